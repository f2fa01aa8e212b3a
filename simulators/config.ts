import { z } from 'zod';
import { parseConfig } from '../lib/config.ts';
import { PAYLOAD_FORMATS } from './stations/load.ts';

export const SimulatorConfigSchema = z.object({
  mqttUrl: z
    .string()
    .regex(/^(mqtts?|wss?|tcp):\/\//, 'must be an mqtt://, mqtts://, ws://, wss:// or tcp:// URL')
    .default('mqtt://127.0.0.1:1883'),
  /** JSON file of `[{ "id", "kind", "secret" }]` written by `npm start` or the devices CLI. */
  credentialsPath: z.string().default('state/simulator-credentials.json'),
  /** Real ms between two readings of one station (stations are spread evenly over it). */
  intervalMs: z.coerce.number().int().min(10).default(5000),
  /** Simulated seconds per real second (1 = real time; 1440 = a day per minute). */
  timeScale: z.coerce.number().positive().max(100_000).default(1),
  seed: z.coerce.number().int().default(1),
  qos: z.union([z.literal(0), z.literal(1)], { error: 'must be 0 or 1' }).default(1),
  /** Stop after this many rounds (0 = run until stopped). */
  rounds: z.coerce.number().int().min(0).default(0),
  /** Station catalogue (default simulators/stations/depok.json). */
  stationsPath: z.string().optional(),
  /** Scenario file (simulators/scenarios/*.json); its hours count from the simulated start. */
  scenarioPath: z.string().optional(),
  /**
   * Simulated time of the first reading: an RFC 3339 time, `now`, `scenario` (the scenario's own start,
   * for replays), or `auto`: now in real time; when accelerated, far enough back that device time
   * stays inside the ingest's accepted window (README INGEST_MAX_PAST_MS) for as long as possible.
   */
  start: z.union([z.iso.datetime({ offset: true }), z.enum(['auto', 'now', 'scenario'])]).default('auto'),
  /** Payload format for every station, or `station` for each station's own (catalogue `format`). */
  format: z.enum([...PAYLOAD_FORMATS, 'station']).default('station'),
  /** QoS 1 publishes awaiting PUBACK before the scheduler waits (back-pressure, not loss). */
  maxInflight: z.coerce.number().int().positive().default(20_000),
  connectConcurrency: z.coerce.number().int().positive().max(2000).default(100),
  /** Progress log every this many ms (0 = none). */
  progressMs: z.coerce.number().int().min(0).default(10_000),
});
export type SimulatorConfig = z.infer<typeof SimulatorConfigSchema>;
export type SimulatorConfigInput = z.input<typeof SimulatorConfigSchema>;

export function simulatorConfigFromEnv(env: NodeJS.ProcessEnv = process.env): SimulatorConfig {
  return parseConfig(SimulatorConfigSchema, {
    mqttUrl: env.MQTT_URL,
    credentialsPath: env.SIM_CREDENTIALS,
    intervalMs: env.SIM_INTERVAL_MS,
    timeScale: env.SIM_TIME_SCALE,
    seed: env.SIM_SEED,
    qos: env.SIM_QOS === undefined ? undefined : Number(env.SIM_QOS),
    rounds: env.SIM_ROUNDS,
    stationsPath: env.SIM_STATIONS,
    scenarioPath: env.SIM_SCENARIO,
    start: env.SIM_START,
    format: env.SIM_FORMAT,
    progressMs: env.SIM_PROGRESS_MS,
  });
}

const DAY_MS = 86_400_000;

/** The simulated start time in epoch ms (see `start` above). */
export function resolveStart(config: SimulatorConfig, now: number, scenarioStart?: string): number {
  if (config.start === 'now') return now;
  if (config.start === 'scenario') {
    if (!scenarioStart) throw new Error('start "scenario" needs a scenario');
    return Date.parse(scenarioStart);
  }
  if (config.start !== 'auto') return Date.parse(config.start);
  if (config.timeScale <= 1) return now;
  // Accelerated: end at `now` when the run is bounded and short enough, else begin 25 days back
  // (the ingest keeps 30 days by default), so device time reaches the present as late as possible.
  const span =
    config.rounds > 0 ? config.rounds * config.intervalMs * config.timeScale : Number.POSITIVE_INFINITY;
  return now - Math.min(span, 25 * DAY_MS);
}
