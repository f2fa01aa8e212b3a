import { z } from 'zod';
import { envFlag, parseConfig } from '../lib/config.ts';

/** `npm start` settings (README "Configuration"); each service's own settings come from its config.ts. */
export const StackConfigSchema = z.object({
  stateDir: z.string().default('state'),
  /** Use this InfluxDB instead of starting a local influxd. */
  influxUrl: z.url().optional(),
  influxPort: z.coerce.number().int().min(1).max(65535).default(8086),
  database: z.string().min(1).default('environment'),
  brokerPort: z.coerce.number().int().min(1).max(65535).default(1883),
  /** Station catalogue that provisions the devices and drives the simulators (default: Depok's). */
  stationsPath: z.string().min(1).optional(),
  /** Run Node-RED with the alert flows and the operator console as part of the stack. */
  flows: z.boolean().default(true),
  console: z.boolean().default(true),
  intervalMs: z.coerce.number().int().min(100).default(5000),
  timeScale: z.coerce.number().positive().default(1),
});
export type StackConfig = z.infer<typeof StackConfigSchema>;

export function stackConfigFromEnv(env: NodeJS.ProcessEnv = process.env): StackConfig {
  return parseConfig(StackConfigSchema, {
    stateDir: env.STATE_DIR,
    influxUrl: env.INFLUX_URL,
    influxPort: env.INFLUX_PORT,
    database: env.INFLUX_DATABASE,
    brokerPort: env.BROKER_PORT,
    stationsPath: env.SIM_STATIONS,
    flows: envFlag(env.STACK_FLOWS),
    console: envFlag(env.STACK_CONSOLE),
    intervalMs: env.SIM_INTERVAL_MS,
    timeScale: env.SIM_TIME_SCALE,
  });
}
