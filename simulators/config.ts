import { z } from 'zod';
import { parseConfig } from '../lib/config.ts';

export const SimulatorConfigSchema = z.object({
  mqttUrl: z
    .string()
    .regex(/^(mqtts?|wss?|tcp):\/\//)
    .default('mqtt://127.0.0.1:1883'),
  /** JSON file of `[{ "id", "kind", "secret" }]` written by `npm start` or the devices CLI. */
  credentialsPath: z.string().default('state/simulator-credentials.json'),
  intervalMs: z.coerce.number().int().min(10).default(5000),
  /** Simulated seconds per real second (1 = real time; 1440 = a day per minute). */
  timeScale: z.coerce.number().positive().default(1),
  seed: z.coerce.number().int().default(1),
  qos: z.union([z.literal(0), z.literal(1)]).default(1),
  /** Stop after this many rounds (0 = run until stopped). */
  rounds: z.coerce.number().int().min(0).default(0),
});
export type SimulatorConfig = z.infer<typeof SimulatorConfigSchema>;

export function simulatorConfigFromEnv(env: NodeJS.ProcessEnv = process.env): SimulatorConfig {
  return parseConfig(SimulatorConfigSchema, {
    mqttUrl: env.MQTT_URL,
    credentialsPath: env.SIM_CREDENTIALS,
    intervalMs: env.SIM_INTERVAL_MS,
    timeScale: env.SIM_TIME_SCALE,
    seed: env.SIM_SEED,
    qos: env.SIM_QOS === undefined ? undefined : Number(env.SIM_QOS),
    rounds: env.SIM_ROUNDS,
  });
}
