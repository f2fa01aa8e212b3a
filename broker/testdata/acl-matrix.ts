/**
 * The ACL as a matrix: every account type against every topic class, written out by hand (not derived
 * from acl.ts) so a wrong rule shows up. Used by the unit test and by the test over real sockets.
 * Device under test: aq-beji-01 of kind air_quality.
 */
export const ACCOUNTS = ['device', 'ingest', 'flows', 'dashboard', 'operator'] as const;
export type AccountType = (typeof ACCOUNTS)[number];

export const PUBLISH_MATRIX: { topic: string; allowed: AccountType[] }[] = [
  { topic: 'sensors/air_quality/aq-beji-01', allowed: ['device'] },
  { topic: 'sensors/air_quality/aq-beji-01/status', allowed: ['device'] },
  { topic: 'sensors/air_quality/aq-beji-02', allowed: [] },
  { topic: 'sensors/wastewater/aq-beji-01', allowed: [] },
  { topic: 'sensors/air_quality/aq-beji-01/extra', allowed: [] },
  { topic: 'cmd/aq-beji-01', allowed: [] },
  { topic: 'readings/air_quality/aq-beji-01', allowed: ['ingest'] },
  { topic: 'readings/ispu/aq-beji-01', allowed: ['ingest', 'flows'] },
  { topic: 'ingest/rejected/air_quality/aq-beji-01', allowed: ['ingest'] },
  { topic: 'alerts/air_quality/aq-beji-01/pm25', allowed: ['flows'] },
  { topic: 'alerts/air_quality/aq-beji-01/pm25/ack', allowed: ['flows', 'operator'] },
  { topic: 'elsewhere/anything', allowed: [] },
  { topic: '$SYS/broker/clients', allowed: [] },
];

export const SUBSCRIBE_MATRIX: { filter: string; allowed: AccountType[] }[] = [
  { filter: 'cmd/aq-beji-01', allowed: ['device'] },
  { filter: 'cmd/aq-beji-02', allowed: [] },
  { filter: 'cmd/+', allowed: [] },
  { filter: 'sensors/air_quality/aq-beji-01', allowed: ['ingest'] },
  { filter: 'sensors/#', allowed: ['ingest'] },
  { filter: 'sensors/+/+', allowed: ['ingest'] },
  { filter: 'sensors/+/+/status', allowed: ['ingest', 'flows', 'dashboard'] },
  { filter: 'readings/#', allowed: ['flows', 'dashboard', 'operator'] },
  { filter: 'readings/air_quality/+', allowed: ['flows', 'dashboard', 'operator'] },
  { filter: 'ingest/rejected/#', allowed: ['dashboard'] },
  { filter: 'alerts/#', allowed: ['flows', 'dashboard', 'operator'] },
  { filter: '#', allowed: [] },
  { filter: '+/+/+', allowed: [] },
  { filter: '$SYS/#', allowed: [] },
];
