import { z } from 'zod';
import { envNumber } from '../lib/config.ts';
import { setting } from '../lib/settings/declare.ts';
import { settingsFromEnv, settingsSchema } from '../lib/settings/schema.ts';
import { PAYLOAD_FORMATS } from './stations/load.ts';

const MQTT_URL = /^(mqtts?|wss?|tcp):\/\//;

/** Simulator settings, each with its variable (simulators/README.md "Configuration" is generated). */
export const SimulatorSettings = {
  mqttUrl: setting({
    env: 'MQTT_URL',
    schema: z.string().regex(MQTT_URL, 'must be an mqtt://, mqtts://, ws://, wss:// or tcp:// URL'),
    default: 'mqtt://127.0.0.1:1883',
    meaning: 'broker',
  }),
  credentialsPath: setting({
    env: 'SIM_CREDENTIALS',
    schema: z.string(),
    default: 'state/simulator-credentials.json',
    meaning: 'device secrets, `[{ "id", "kind", "secret" }]`, written by `npm start` or `--provision`',
  }),
  intervalMs: setting({
    env: 'SIM_INTERVAL_MS',
    schema: z.coerce.number().int().min(10),
    default: 5000,
    deploy: true,
    meaning: 'real ms between two readings of one station (stations are spread evenly over it)',
  }),
  timeScale: setting({
    env: 'SIM_TIME_SCALE',
    schema: z.coerce.number().positive().max(100_000),
    default: 1,
    deploy: true,
    meaning: 'simulated seconds per real second (1440: a day per minute)',
  }),
  seed: setting({
    env: 'SIM_SEED',
    schema: z.coerce.number().int(),
    default: 1,
    deploy: true,
    meaning: 'same seed, same readings',
  }),
  qos: setting({
    env: 'SIM_QOS',
    schema: z.union([z.literal(0), z.literal(1)], { error: 'must be 0 or 1' }),
    default: 1,
    fromEnv: envNumber,
    meaning: 'MQTT QoS of the readings',
  }),
  rounds: setting({
    env: 'SIM_ROUNDS',
    schema: z.coerce.number().int().min(0),
    default: 0,
    meaning: 'stop after this many readings per station (0: run until stopped)',
  }),
  stationsPath: setting({
    env: 'SIM_STATIONS',
    schema: z.string(),
    optional: true,
    shown: '`simulators/stations/depok.json`',
    meaning: 'station catalogue',
  }),
  scenarioPath: setting({
    env: 'SIM_SCENARIO',
    schema: z.string(),
    optional: true,
    meaning: 'scenario file (`simulators/scenarios/*.json`); its hours count from the simulated start',
  }),
  /**
   * `auto`: now in real time; when accelerated, far enough back that device time stays inside the
   * ingest's accepted window (INGEST_MAX_PAST_MS) for as long as possible (resolveStart below).
   */
  start: setting({
    env: 'SIM_START',
    schema: z.union([z.iso.datetime({ offset: true }), z.enum(['auto', 'now', 'scenario'])]),
    default: 'auto',
    meaning:
      "simulated time of the first reading: RFC 3339, `now`, `scenario` (the scenario's own start) or `auto` (see Time)",
  }),
  format: setting({
    env: 'SIM_FORMAT',
    schema: z.enum([...PAYLOAD_FORMATS, 'station']),
    default: 'station',
    meaning: "payload format of every station, or `station` for each station's own (catalogue `format`)",
  }),
  /** QoS 1 publishes awaiting PUBACK before the scheduler waits (back-pressure, not loss). */
  maxInflight: z.coerce.number().int().positive().default(20_000),
  connectConcurrency: z.coerce.number().int().positive().max(2000).default(100),
  progressMs: setting({
    env: 'SIM_PROGRESS_MS',
    schema: z.coerce.number().int().min(0),
    default: 10_000,
    meaning: 'progress log every this many ms (0: none)',
  }),
};

export const SimulatorConfigSchema = settingsSchema(SimulatorSettings);
export type SimulatorConfig = z.infer<typeof SimulatorConfigSchema>;
export type SimulatorConfigInput = z.input<typeof SimulatorConfigSchema>;

/** The only reader of process.env in the simulators (cli-options.ts lays the options over it). */
export function simulatorConfigFromEnv(env: NodeJS.ProcessEnv = process.env): SimulatorConfig {
  return settingsFromEnv(SimulatorSettings, SimulatorConfigSchema, env);
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
