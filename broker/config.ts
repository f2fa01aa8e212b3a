import { z } from 'zod';
import { envFlag, parseConfig } from '../lib/config.ts';

const port = z.coerce.number().int().min(0).max(65535);

/** Broker settings from the environment (README "Configuration"). The only reader of process.env here. */
export const BrokerConfigSchema = z.object({
  host: z.string().default('127.0.0.1'),
  port: port.default(1883),
  registryPath: z.string().min(1).default('state/registry.json'),
  /** Re-read the registry when the file changes (CLI add/rotate/revoke take effect at once). */
  watchRegistry: z.boolean().default(true),
  httpHost: z.string().default('127.0.0.1'),
  /** Health and Prometheus metrics; 0 picks a free port, -1 turns HTTP off. */
  httpPort: z.coerce.number().int().min(-1).max(65535).default(9101),
  maxPayloadBytes: z.coerce
    .number()
    .int()
    .positive()
    .default(256 * 1024),
  connectTimeoutMs: z.coerce.number().int().positive().default(10_000),
});
export type BrokerConfig = z.infer<typeof BrokerConfigSchema>;
export type BrokerConfigInput = z.input<typeof BrokerConfigSchema>;

export function brokerConfigFromEnv(env: NodeJS.ProcessEnv = process.env): BrokerConfig {
  return parseConfig(BrokerConfigSchema, {
    host: env.BROKER_HOST,
    port: env.BROKER_PORT,
    registryPath: env.REGISTRY_PATH,
    watchRegistry: envFlag(env.BROKER_WATCH_REGISTRY),
    httpHost: env.BROKER_HTTP_HOST,
    httpPort: env.BROKER_HTTP_PORT,
    maxPayloadBytes: env.BROKER_MAX_PAYLOAD_BYTES,
    connectTimeoutMs: env.BROKER_CONNECT_TIMEOUT_MS,
  });
}
