/** The ingest benchmark's sizes and choices, from the environment (defaults: the published figures). */
const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);

export const STATIONS = env('BENCH_INGEST_STATIONS', 200);
/** Readings in each throughput phase (ours, Node-RED's, raw influxd): the same readings each time. */
export const READINGS = env('BENCH_INGEST_READINGS', 200_000);
export const WINDOW = env('BENCH_INGEST_WINDOW', 20); // QoS 1 publishes in flight per device
export const LATENCY_RATE = 5000;
export const LATENCY_S = env('BENCH_INGEST_LATENCY_S', 20);
export const OUTAGE_RATE = 2000;
export const OUTAGE_S = env('BENCH_OUTAGE_S', 30);
export const MEASUREMENT = 'water_network';
/**
 * Node flags for the ingest process: by default those `npm run ingest` and docker-compose use
 * (ingest/README.md "Memory"): a heap cap, without which V8 collects lazily and RSS overstates what
 * the worker needs, and an 8 MB semi-space, without which the capped heap's small young generation
 * costs a third of the throughput.
 */
export const NODE_ARGS = (
  process.env.BENCH_INGEST_NODE_ARGS ?? '--max-old-space-size=96 --max-semi-space-size=8'
)
  .split(' ')
  .filter(Boolean);
/** The broker's persistence: `journal` as deployed by default; `level` or `memory` for comparison. */
export const BROKER_PERSISTENCE = process.env.BENCH_INGEST_BROKER_PERSISTENCE ?? 'journal';
if (!['journal', 'level', 'memory'].includes(BROKER_PERSISTENCE))
  throw new Error('BENCH_INGEST_BROKER_PERSISTENCE: journal, level or memory');
/** Which phases run, by name (ingest.bench.ts runs them in its own order). */
export const PHASES = (
  process.env.BENCH_INGEST_PHASES ?? 'raw,e2e,e2e_no_validity,e2e_flows,latency,outage,nodered'
).split(',');
// A day back: device times base + index ms stay inside the ingest's accepted window (30 days past, 5 min ahead).
export const baseTs = () => Date.now() - 86_400_000;
/** The password of every account on Mosquitto (devices, the ingest, Node-RED). */
export const PEER_PASSWORD = 'bench-peer-secret';
export const TAGS = { district: 'beji', operator: 'pdam-tirta-asasta' };
