/**
 * An integration account's ACL as a matrix, written out by hand (not derived from acl.ts): a city data
 * platform allowed `+/+` and `city/#` both ways, reading normalized readings, with two denies.
 */
export const CITY_PLATFORM = {
  publish: ['+/+', 'city/#'],
  subscribe: ['+/+', 'city/#', 'readings/#'],
  deny: ['city/secret', 'readings/ispu/#'],
  read_devices: false,
};

export const INTEGRATION_PUBLISH: { topic: string; allowed: boolean; why: string }[] = [
  { topic: 'city/air', allowed: true, why: '+/+' },
  { topic: 'city/air/beji', allowed: true, why: 'city/#' },
  { topic: 'city/secret', allowed: false, why: 'denied: deny wins over +/+ and city/#' },
  { topic: 'feeds/x', allowed: true, why: '+/+' },
  { topic: 'feeds/x/y', allowed: false, why: 'three levels: neither +/+ nor city/#' },
  { topic: 'alerts/x', allowed: false, why: "+/+ reaches the pipeline's alerts/: denied by the contract" },
  { topic: 'readings/x', allowed: false, why: 'readings/ is the pipeline’s' },
  { topic: 'sensors/x', allowed: false, why: 'sensors/ is the pipeline’s' },
  { topic: 'cmd/aq-beji-01', allowed: false, why: 'commands are the pipeline’s' },
  { topic: 'ingest/x', allowed: false, why: 'ingest/ is the pipeline’s' },
  { topic: '$SYS/x', allowed: false, why: '$ topics never' },
];

export const INTEGRATION_SUBSCRIBE: { filter: string; allowed: boolean; why: string }[] = [
  { filter: '+/+', allowed: true, why: 'allowed; city/secret and device topics are kept from it at delivery' },
  { filter: 'city/air', allowed: true, why: '+/+' },
  { filter: 'city/#', allowed: true, why: 'city/#' },
  { filter: 'city/secret', allowed: false, why: 'wholly denied' },
  { filter: 'readings/#', allowed: true, why: 'readings/#; readings/ispu/... kept from it at delivery' },
  { filter: 'readings/air_quality/+', allowed: true, why: 'under readings/#' },
  { filter: 'readings/ispu/+', allowed: false, why: 'wholly under the denied readings/ispu/#' },
  { filter: 'cmd/aq-beji-01', allowed: false, why: "a device's commands: no read_devices" },
  { filter: 'cmd/+', allowed: false, why: "devices' commands: no read_devices" },
  { filter: 'sensors/+', allowed: false, why: 'under sensors/: no read_devices' },
  { filter: 'sensors/+/+', allowed: false, why: 'not covered by +/+ (three levels), and devices’ own' },
  { filter: '#', allowed: false, why: 'covered by no allowed filter' },
  { filter: 'alerts/#', allowed: false, why: 'covered by no allowed filter' },
  { filter: '$SYS/#', allowed: false, why: '$ topics never' },
];

/** Topics a granted `+/+` or `readings/#` matches, and whether they are delivered. */
export const INTEGRATION_READ: { topic: string; delivered: boolean }[] = [
  { topic: 'city/air', delivered: true },
  { topic: 'city/secret', delivered: false },
  { topic: 'readings/air_quality/aq-beji-01', delivered: true },
  { topic: 'readings/ispu/aq-beji-01', delivered: false },
  { topic: 'cmd/aq-beji-01', delivered: false },
  { topic: 'sensors/air_quality', delivered: false },
];
