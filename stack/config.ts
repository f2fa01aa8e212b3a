import { z } from 'zod';
import { parseConfig } from '../lib/config.ts';

/** `npm start` settings (README "Configuration"); each service's own settings come from its config.ts. */
export const StackConfigSchema = z.object({
  stateDir: z.string().default('state'),
  /** Use this InfluxDB instead of starting a local influxd. */
  influxUrl: z.url().optional(),
  influxPort: z.coerce.number().int().min(1).max(65535).default(8086),
  database: z.string().min(1).default('environment'),
  brokerPort: z.coerce.number().int().min(1).max(65535).default(1883),
  stationsPerKind: z.coerce.number().int().min(0).max(5000).default(4),
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
    stationsPerKind: env.SIM_STATIONS_PER_KIND,
    intervalMs: env.SIM_INTERVAL_MS,
    timeScale: env.SIM_TIME_SCALE,
  });
}
