import { dirname, join } from 'node:path';
import { z } from 'zod';
import { envFlag, parseConfig } from '../lib/config.ts';

/** Operator console settings (dashboards/README.md "Configuration"). The only reader of process.env here. */
export const ConsoleConfigSchema = z.object({
  http: z.object({
    host: z.string().default('127.0.0.1'),
    /** 0 picks a free port (tests). */
    port: z.coerce.number().int().min(0).max(65535).default(8080),
    /** Adds `Secure` to the session cookie: set it when the console is served over HTTPS (behind a proxy). */
    secureCookie: z.boolean().default(false),
    /** Let anyone read status, alerts and charts (a lobby screen); acknowledging always needs a login. */
    publicRead: z.boolean().default(false),
    sessionTtlMs: z.coerce
      .number()
      .int()
      .positive()
      .default(8 * 3_600_000),
    maxSseClients: z.coerce.number().int().positive().default(200),
    /** Live streams one session or API token may hold (anonymous public readers: per address). */
    maxSsePerPrincipal: z.coerce.number().int().positive().default(4),
    /**
     * Behind a reverse proxy: take the client address from X-Forwarded-For, so login limits are per
     * client, not per proxy. true trusts any forwarder; or list the proxy's addresses / CIDRs.
     */
    trustProxy: z.union([z.boolean(), z.string().min(1)]).default(false),
  }),
  mqtt: z.object({
    url: z
      .string()
      .regex(/^(mqtts?|wss?|tcp):\/\//, 'an mqtt://, mqtts://, ws:// or wss:// URL')
      .default('mqtt://127.0.0.1:1883'),
    /** Read-only `dashboard` role account: the live view. */
    username: z.string().min(1).default('dashboard'),
    password: z
      .string({ error: 'CONSOLE_MQTT_PASSWORD is required: the broker admits no anonymous clients' })
      .min(1, 'CONSOLE_MQTT_PASSWORD is required: the broker admits no anonymous clients'),
    /** `operator` role account that publishes acknowledgements; without a password acks are refused (503). */
    ackUsername: z.string().min(1).default('operator'),
    ackPassword: z.string().min(1).optional(),
  }),
  influx: z.object({
    url: z.url().default('http://127.0.0.1:8086'),
    database: z.string().min(1).default('environment'),
    username: z.string().optional(),
    password: z.string().optional(),
    /** InfluxDB 2.x/3.x through the v1 compatibility API: `Authorization: Token ...`. */
    token: z.string().optional(),
    timeoutMs: z.coerce.number().int().positive().default(10_000),
  }),
  /** Station list (the broker's registry); stations seen only on MQTT are shown too. */
  registryPath: z.string().optional(),
  /**
   * Records database (users, tokens, audit log; lib/records), RECORDS_PATH. Without it: `records.db`
   * beside CONSOLE_USERS_PATH, so a deployment that set only that keeps its data in the same folder.
   */
  recordsPath: z.string().min(1).default('state/records.db'),
  /** Users file of earlier versions: imported into the records database at start, then renamed `.migrated`. */
  usersPath: z.string().min(1).default('state/console-users.json'),
  /** Cleared alerts kept in memory for the list, newest first. */
  keepCleared: z.coerce.number().int().min(0).max(10_000).default(100),
});
export type ConsoleConfig = z.infer<typeof ConsoleConfigSchema>;
export type ConsoleConfigInput = z.input<typeof ConsoleConfigSchema>;

export function consoleConfigFromEnv(env: NodeJS.ProcessEnv = process.env): ConsoleConfig {
  return parseConfig(ConsoleConfigSchema, {
    http: {
      host: env.CONSOLE_HTTP_HOST,
      port: env.CONSOLE_HTTP_PORT,
      secureCookie: envFlag(env.CONSOLE_SECURE_COOKIE),
      publicRead: envFlag(env.CONSOLE_PUBLIC_READ),
      sessionTtlMs: env.CONSOLE_SESSION_TTL_MS,
      maxSseClients: env.CONSOLE_MAX_SSE_CLIENTS,
      maxSsePerPrincipal: env.CONSOLE_MAX_SSE_PER_LOGIN,
      trustProxy: proxySetting(env.CONSOLE_TRUST_PROXY),
    },
    mqtt: {
      url: env.MQTT_URL,
      username: env.CONSOLE_MQTT_USERNAME,
      password: env.CONSOLE_MQTT_PASSWORD,
      ackUsername: env.CONSOLE_ACK_MQTT_USERNAME,
      ackPassword: env.CONSOLE_ACK_MQTT_PASSWORD || undefined,
    },
    influx: {
      url: env.INFLUX_URL,
      database: env.INFLUX_DATABASE,
      username: env.INFLUX_USERNAME,
      password: env.INFLUX_PASSWORD,
      token: env.INFLUX_TOKEN,
      timeoutMs: env.CONSOLE_INFLUX_TIMEOUT_MS,
    },
    registryPath: env.REGISTRY_PATH,
    recordsPath: recordsPathFromEnv(env),
    usersPath: env.CONSOLE_USERS_PATH,
    keepCleared: env.CONSOLE_KEEP_CLEARED,
  });
}

/** RECORDS_PATH, else records.db beside CONSOLE_USERS_PATH, else state/records.db (also the users CLI's). */
export function recordsPathFromEnv(env: NodeJS.ProcessEnv = process.env): string {
  if (env.RECORDS_PATH) return env.RECORDS_PATH;
  return env.CONSOLE_USERS_PATH ? join(dirname(env.CONSOLE_USERS_PATH), 'records.db') : 'state/records.db';
}

/** CONSOLE_TRUST_PROXY: a yes/no word is a flag; anything else is a list of addresses ("127.0.0.1,10.0.0.0/8"). */
function proxySetting(value: string | undefined): boolean | string | undefined {
  if (value && !/^(true|false|yes|no|on|off|0|1)$/i.test(value)) return value;
  return envFlag(value);
}
