import { dirname, join } from 'node:path';
import { z } from 'zod';
import { envFlag, envNonEmpty } from '../lib/config.ts';
import { setting } from '../lib/settings/declare.ts';
import { settingsFromEnv, settingsSchema } from '../lib/settings/schema.ts';

const MISSING_PASSWORD = 'CONSOLE_MQTT_PASSWORD is required: the broker admits no anonymous clients';

/** Operator console settings, each with its variable (dashboards/README.md "Configuration" is generated). */
export const ConsoleSettings = {
  http: {
    host: setting({
      env: 'CONSOLE_HTTP_HOST',
      schema: z.string(),
      default: '127.0.0.1',
      meaning: 'listener address',
    }),
    port: setting({
      env: 'CONSOLE_HTTP_PORT',
      schema: z.coerce.number().int().min(0).max(65535),
      default: 8080,
      meaning: 'listener port (`0` picks a free one)',
    }),
    secureCookie: setting({
      env: 'CONSOLE_SECURE_COOKIE',
      schema: z.boolean(),
      default: false,
      fromEnv: envFlag,
      deploy: true,
      meaning: '`Secure` + `__Host-` cookie: set it when served over HTTPS (behind a proxy)',
    }),
    publicRead: setting({
      env: 'CONSOLE_PUBLIC_READ',
      schema: z.boolean(),
      default: false,
      fromEnv: envFlag,
      deploy: true,
      meaning: 'status, alerts and charts without login (a lobby screen); acknowledging always needs one',
    }),
    sessionTtlMs: setting({
      env: 'CONSOLE_SESSION_TTL_MS',
      schema: z.coerce.number().int().positive(),
      default: 8 * 3_600_000,
      meaning: 'session lifetime from login',
    }),
    maxSseClients: setting({
      env: 'CONSOLE_MAX_SSE_CLIENTS',
      schema: z.coerce.number().int().positive(),
      default: 200,
      meaning: 'open live streams; more get 503',
    }),
    maxSsePerPrincipal: setting({
      env: 'CONSOLE_MAX_SSE_PER_LOGIN',
      schema: z.coerce.number().int().positive(),
      default: 4,
      meaning:
        'live streams one session or API token may hold (anonymous readers: per address); more get 429',
    }),
    trustProxy: setting({
      env: 'CONSOLE_TRUST_PROXY',
      schema: z.union([z.boolean(), z.string().min(1)]),
      default: false,
      fromEnv: proxySetting,
      meaning:
        'behind a reverse proxy: `true` trusts any forwarder, or list the proxy addresses / CIDRs; the client address (login limits) then comes from X-Forwarded-For',
    }),
  },
  mqtt: {
    url: setting({
      env: 'MQTT_URL',
      schema: z.string().regex(/^(mqtts?|wss?|tcp):\/\//, 'an mqtt://, mqtts://, ws:// or wss:// URL'),
      default: 'mqtt://127.0.0.1:1883',
      meaning: 'broker',
    }),
    username: setting({
      env: 'CONSOLE_MQTT_USERNAME',
      schema: z.string().min(1),
      default: 'dashboard',
      meaning: 'read-only feed account (role `dashboard`)',
    }),
    password: setting({
      env: 'CONSOLE_MQTT_PASSWORD',
      schema: z.string({ error: MISSING_PASSWORD }).min(1, MISSING_PASSWORD),
      secret: true,
      meaning: 'its secret',
    }),
    ackUsername: setting({
      env: 'CONSOLE_ACK_MQTT_USERNAME',
      schema: z.string().min(1),
      default: 'operator',
      meaning: 'account with role `operator` that publishes acknowledgements',
    }),
    ackPassword: setting({
      env: 'CONSOLE_ACK_MQTT_PASSWORD',
      schema: z.string().min(1),
      optional: true,
      fromEnv: envNonEmpty,
      secret: true,
      deploy: true,
      meaning: 'its secret; unset, acknowledgements answer 503',
    }),
  },
  influx: {
    url: setting({
      env: 'INFLUX_URL',
      schema: z.url(),
      default: 'http://127.0.0.1:8086',
      meaning: 'history charts: InfluxQL over the v1 `/query` API',
    }),
    database: setting({
      env: 'INFLUX_DATABASE',
      schema: z.string().min(1),
      default: 'environment',
      meaning: 'database the charts query',
    }),
    username: setting({
      env: 'INFLUX_USERNAME',
      schema: z.string(),
      optional: true,
      meaning: 'Basic auth (1.x, or a 2.x v1 authorization)',
    }),
    password: setting({
      env: 'INFLUX_PASSWORD',
      schema: z.string(),
      optional: true,
      secret: true,
      meaning: "that user's password",
    }),
    token: setting({
      env: 'INFLUX_TOKEN',
      schema: z.string(),
      optional: true,
      secret: true,
      meaning: 'InfluxDB 2.x/3.x through the v1 compatibility API: `Authorization: Token ...`',
    }),
    timeoutMs: setting({
      env: 'CONSOLE_INFLUX_TIMEOUT_MS',
      schema: z.coerce.number().int().positive(),
      default: 10_000,
      meaning: 'per history query',
    }),
  },
  registryPath: setting({
    env: 'REGISTRY_PATH',
    schema: z.string(),
    optional: true,
    meaning: "station list (the broker's registry); stations seen only on MQTT are shown too",
  }),
  reports: {
    dir: setting({
      env: 'REPORTS_DIR',
      schema: z.string().min(1),
      default: 'state/reports',
      shown: '`<STATE_DIR>/reports`',
      meaning: 'stored report runs (the reports service writes there too): listed, downloaded, generated now',
    }),
    agency: setting({
      env: 'REPORTS_AGENCY_NAME',
      schema: z.string().min(1).max(200),
      default: 'Dinas Lingkungan Hidup dan Kebersihan Kota Depok',
      meaning: 'the agency named at the head of reports generated from the console (as `npm run report`)',
    }),
  },
  recordsPath: setting({
    env: 'RECORDS_PATH',
    schema: z.string().min(1),
    default: 'state/records.db',
    meaning:
      'records database (users, roles, API tokens, audit log; SQLite, WAL); unset: `records.db` beside `CONSOLE_USERS_PATH` when that is set',
  }),
  usersPath: setting({
    env: 'CONSOLE_USERS_PATH',
    schema: z.string().min(1),
    default: 'state/console-users.json',
    meaning:
      'users file of earlier versions: imported into the records database at start, then renamed `.migrated`',
  }),
  keepCleared: setting({
    env: 'CONSOLE_KEEP_CLEARED',
    schema: z.coerce.number().int().min(0).max(10_000),
    default: 100,
    meaning: 'cleared alerts kept in memory for the list',
  }),
};

export const ConsoleConfigSchema = settingsSchema(ConsoleSettings);
export type ConsoleConfig = z.infer<typeof ConsoleConfigSchema>;
export type ConsoleConfigInput = z.input<typeof ConsoleConfigSchema>;

/** The only reader of process.env in the console. */
export function consoleConfigFromEnv(env: NodeJS.ProcessEnv = process.env): ConsoleConfig {
  return settingsFromEnv(ConsoleSettings, ConsoleConfigSchema, {
    ...env,
    RECORDS_PATH: recordsPathFromEnv(env),
    REPORTS_DIR: env.REPORTS_DIR || (env.STATE_DIR ? join(env.STATE_DIR, 'reports') : undefined),
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
