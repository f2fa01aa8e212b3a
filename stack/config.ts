import { z } from 'zod';
import { envFlag } from '../lib/config.ts';
import { setting } from '../lib/settings/declare.ts';
import { settingsFromEnv, settingsSchema } from '../lib/settings/schema.ts';

const port = z.coerce.number().int().min(1).max(65535);

/** `npm start` settings (the README's "Configuration" table); each service's own are in its config.ts. */
export const StackSettings = {
  stateDir: setting({
    env: 'STATE_DIR',
    schema: z.string(),
    default: 'state',
    meaning: 'registry, secrets, local influxd data, broker persistence, spool, alert state',
  }),
  influxUrl: setting({
    env: 'INFLUX_URL',
    schema: z.url(),
    optional: true,
    shown: '(local influxd)',
    meaning: 'use this InfluxDB instead of starting one',
  }),
  influxPort: setting({
    env: 'INFLUX_PORT',
    schema: port,
    default: 8086,
    meaning: 'port of the local influxd',
  }),
  database: setting({
    env: 'INFLUX_DATABASE',
    schema: z.string().min(1),
    default: 'environment',
    meaning: 'database (v1), created in the local influxd',
  }),
  brokerPort: setting({ env: 'BROKER_PORT', schema: port, default: 1883, meaning: 'MQTT/TCP listener' }),
  stationsPath: setting({
    env: 'SIM_STATIONS',
    schema: z.string().min(1),
    optional: true,
    shown: '`simulators/stations/depok.json`',
    meaning: 'station catalogue: provisions the devices and drives the simulators',
  }),
  flows: setting({
    env: 'STACK_FLOWS',
    schema: z.boolean(),
    default: true,
    fromEnv: envFlag,
    meaning: 'run Node-RED with the alert flows as part of `npm start`',
  }),
  console: setting({
    env: 'STACK_CONSOLE',
    schema: z.boolean(),
    default: true,
    fromEnv: envFlag,
    meaning: 'run the operator console as part of `npm start`',
  }),
  public: setting({
    env: 'STACK_PUBLIC',
    schema: z.boolean(),
    default: true,
    fromEnv: envFlag,
    meaning: 'run the citizen page and open-data API (`public/`) as part of `npm start`',
  }),
  intervalMs: setting({
    env: 'SIM_INTERVAL_MS',
    schema: z.coerce.number().int().min(100),
    default: 5000,
    meaning: 'publish interval per station',
  }),
  timeScale: setting({
    env: 'SIM_TIME_SCALE',
    schema: z.coerce.number().positive(),
    default: 1,
    meaning: 'simulated seconds per real second (1440: a day per minute)',
  }),
};

export const StackConfigSchema = settingsSchema(StackSettings);
export type StackConfig = z.infer<typeof StackConfigSchema>;

export function stackConfigFromEnv(env: NodeJS.ProcessEnv = process.env): StackConfig {
  return settingsFromEnv(StackSettings, StackConfigSchema, env);
}
