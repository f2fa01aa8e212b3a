import { silentLogger } from '../lib/log.ts';
import type { Decision } from '../lib/qa/states.ts';
import { DeviceSchema } from '../lib/registry/schema.ts';
import { buildPublicApp, type PublicDeps } from './app.ts';
import { publicStations } from './core/stations.ts';
import { fakeData } from './fake-data.ts';

/** A small registry for the app tests: public stations of each kind, and four that must never show. */
export const TEST_DEVICES = [
  { id: 'aq-beji-01', kind: 'air_quality', name: 'Beji', district: 'beji', lat: -6.37, lon: 106.82 },
  {
    id: 'aq-tapos-01',
    kind: 'air_quality',
    name: 'Tapos',
    district: 'tapos',
    operator: 'DLHK',
    lat: -6.43,
    lon: 106.88,
  },
  { id: 'ww-ipal-01', kind: 'wastewater', name: 'IPAL Sawangan', operator: 'UPTD PAL' },
  { id: 'wn-zona-01', kind: 'water_network', name: 'Zona 1', operator: 'PDAM' },
  { id: 'ww-secret-outfall', kind: 'wastewater', name: 'Outfall PT Rahasia', self_monitoring: true },
  { id: 'aq-hidden-01', kind: 'air_quality', name: 'Hidden', public: false },
  { id: 'aq-gone-01', kind: 'air_quality', name: 'Revoked', revoked: true, public: true },
  { id: 'ww-private-ok', kind: 'wastewater', name: 'Made public', self_monitoring: true, public: true },
].map((d) => DeviceSchema.parse({ secret_hash: 'scrypt$test', ...d }));

export const HIDDEN_IDS = ['ww-secret-outfall', 'aq-hidden-01', 'aq-gone-01'];

/** The public app over the fake source, with a clock the test moves. */
export async function testApp(overrides: Partial<PublicDeps> & { decisions?: PublicDeps['decisions'] } = {}) {
  let t = Date.parse('2026-12-01T05:30:00Z');
  const clock = {
    now: () => t,
    set: (ms: number) => {
      t = ms;
    },
  };
  const { data, calls } = fakeData(TEST_DEVICES, clock.now);
  const decisions: Decision[] = [];
  const stations = publicStations(TEST_DEVICES);
  const app = await buildPublicApp({
    stations: () => stations,
    data,
    decisions: () => decisions,
    cacheTtlS: 5,
    rateLimit: { perMinute: 1_000_000, burst: 1_000_000 },
    trustProxy: false,
    log: silentLogger(),
    now: clock.now,
    ...overrides,
  });
  return { app, calls, clock, decisions, stations };
}
