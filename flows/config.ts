import { z } from 'zod';
import { envFlag, parseConfig } from '../lib/config.ts';

/** Settings of the flows service (flows/README.md "Configuration"); the only reader of process.env here. */
export const FlowsConfigSchema = z.object({
  mqtt: z.object({
    url: z
      .string()
      .regex(/^(mqtt|tcp):\/\/[^/:]+:\d+\/?$/, 'an mqtt://host:port URL')
      .default('mqtt://127.0.0.1:1883'),
    username: z.string().min(1).default('flows'),
    password: z.string().min(1, 'FLOWS_MQTT_PASSWORD is required: the broker admits no anonymous clients'),
    /** Persistent session id: the broker keeps readings for Node-RED while it restarts. */
    clientId: z.string().min(1).default('flows'),
  }),
  influx: z.object({
    version: z.union([z.literal(1), z.literal(2)]).default(1),
    url: z.url().default('http://127.0.0.1:8086'),
    database: z.string().min(1).default('environment'),
    retentionPolicy: z.string().optional(),
    username: z.string().optional(),
    password: z.string().optional(),
    org: z.string().optional(),
    bucket: z.string().optional(),
    token: z.string().optional(),
  }),
  /** Editor and HTTP API listener; port 0 picks a free one. */
  host: z.string().default('127.0.0.1'),
  port: z.coerce.number().int().min(0).max(65535).default(1880),
  /** Alert state, Node-RED's user folder and a generated editor password live here. */
  stateDir: z.string().default('state/flows'),
  rulesFile: z.string().optional(),
  overridesFile: z.string().optional(),
  tickMs: z.coerce.number().int().min(50).default(5000),
  snapshotMs: z.coerce.number().int().min(100).default(30_000),
  escalateAfterS: z.coerce.number().min(0).default(1800),
  apiToken: z.string().min(16, 'FLOWS_API_TOKEN must be at least 16 characters').optional(),
  admin: z.object({
    username: z.string().min(1).default('admin'),
    /** bcrypt hash; when absent a password is generated into <stateDir>/editor-password. */
    passwordHash: z
      .string()
      .regex(/^\$2[aby]\$\d\d\$/, 'a bcrypt hash ($2b$...)')
      .optional(),
  }),
  /**
   * Node-RED's exec, function, file, watch, tcp and udp nodes (shell, JavaScript, files, raw sockets)
   * are off unless this is true (FLOWS_ALLOW_DANGEROUS_NODES; flows/README.md "Security").
   */
  allowDangerousNodes: z.boolean().default(false),
  /** Passed to the depok-notify node as FLOWS_* variables (see node-config.ts NotifyNodeConfigSchema). */
  notify: z.record(z.string(), z.string()).default({}),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace']).default('info'),
  startTimeoutMs: z.coerce.number().int().positive().default(30_000),
});
export type FlowsConfig = z.infer<typeof FlowsConfigSchema>;
export type FlowsConfigInput = z.input<typeof FlowsConfigSchema>;

const NOTIFY_VARS = [
  'FLOWS_WEBHOOK_URL',
  'FLOWS_SMTP_URL',
  'FLOWS_MAIL_FROM',
  'FLOWS_MAIL_TO',
  'FLOWS_ESCALATION_MAIL_TO',
  'FLOWS_TELEGRAM_TOKEN',
  'FLOWS_TELEGRAM_CHAT_ID',
  'FLOWS_TELEGRAM_API_URL',
  'FLOWS_NOTIFY_EVENTS',
  'FLOWS_NOTIFY_RATE_COUNT',
  'FLOWS_NOTIFY_RATE_WINDOW_S',
] as const;

/** FLOWS_* variables, falling back to the stack's MQTT_URL / INFLUX_* where they mean the same thing. */
export function flowsConfigFromEnv(env: NodeJS.ProcessEnv = process.env): FlowsConfig {
  const notify: Record<string, string> = {};
  for (const name of NOTIFY_VARS) if (env[name]) notify[name] = env[name] as string;
  return parseConfig(FlowsConfigSchema, {
    mqtt: {
      url: env.FLOWS_MQTT_URL ?? env.MQTT_URL,
      username: env.FLOWS_MQTT_USERNAME,
      password: env.FLOWS_MQTT_PASSWORD,
      clientId: env.FLOWS_MQTT_CLIENT_ID,
    },
    influx: {
      version: (env.FLOWS_INFLUX_VERSION ?? env.INFLUX_VERSION) === '2' ? 2 : 1,
      url: env.FLOWS_INFLUX_URL ?? env.INFLUX_URL,
      database: env.FLOWS_INFLUX_DATABASE ?? env.INFLUX_DATABASE,
      retentionPolicy: env.FLOWS_INFLUX_RETENTION_POLICY ?? env.INFLUX_RETENTION_POLICY,
      username: env.FLOWS_INFLUX_USERNAME ?? env.INFLUX_USERNAME,
      password: env.FLOWS_INFLUX_PASSWORD ?? env.INFLUX_PASSWORD,
      org: env.FLOWS_INFLUX_ORG ?? env.INFLUX_ORG,
      bucket: env.FLOWS_INFLUX_BUCKET ?? env.INFLUX_BUCKET,
      token: env.FLOWS_INFLUX_TOKEN ?? env.INFLUX_TOKEN,
    },
    host: env.FLOWS_HOST,
    port: env.FLOWS_PORT,
    stateDir: env.FLOWS_STATE_DIR ?? (env.STATE_DIR ? `${env.STATE_DIR}/flows` : undefined),
    rulesFile: env.FLOWS_RULES_FILE,
    overridesFile: env.FLOWS_RULES_OVERRIDES,
    tickMs: env.FLOWS_TICK_MS,
    snapshotMs: env.FLOWS_SNAPSHOT_MS,
    escalateAfterS: env.FLOWS_ESCALATE_AFTER_S,
    apiToken: env.FLOWS_API_TOKEN,
    admin: { username: env.FLOWS_ADMIN_USER, passwordHash: env.FLOWS_ADMIN_PASSWORD_HASH },
    allowDangerousNodes: envFlag(env.FLOWS_ALLOW_DANGEROUS_NODES),
    notify,
    logLevel: env.LOG_LEVEL,
  });
}
