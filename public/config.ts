import { z } from 'zod';
import { envNonEmpty } from '../lib/config.ts';
import { setting } from '../lib/settings/declare.ts';
import { settingsFromEnv, settingsSchema } from '../lib/settings/schema.ts';

const positiveInt = z.coerce.number().int().positive();

/** Public service settings, each with its variable (public/README.md "Settings" is generated). */
export const PublicSettings = {
  http: {
    host: setting({
      env: 'PUBLIC_HOST',
      schema: z.string(),
      default: '127.0.0.1',
      meaning: 'listener address of the citizen page and the open-data API',
    }),
    port: setting({
      env: 'PUBLIC_PORT',
      schema: z.coerce.number().int().min(0).max(65535),
      default: 8081,
      meaning: 'listener port (`0` picks a free one)',
    }),
    trustProxy: setting({
      env: 'PUBLIC_TRUST_PROXY',
      schema: z.union([z.boolean(), z.string().min(1)]),
      default: false,
      fromEnv: proxySetting,
      meaning:
        'behind a reverse proxy: `true` trusts any forwarder, or list the proxy addresses / CIDRs; the client address (rate limit) then comes from X-Forwarded-For',
    }),
    tileUrl: setting({
      env: 'PUBLIC_TILE_URL',
      schema: z.string().regex(/^https:\/\/[^\s'"]+$/, 'an https:// tile URL template'),
      optional: true,
      fromEnv: envNonEmpty,
      meaning:
        'map tiles for the citizen page (`https://tile.example/{z}/{x}/{y}.png`); unset, the map shows the kecamatan boundaries only',
    }),
  },
  influx: {
    url: setting({
      env: 'INFLUX_URL',
      schema: z.url(),
      default: 'http://127.0.0.1:8086',
      meaning: 'readings and ISPU: InfluxQL over the v1 `/query` API',
    }),
    database: setting({
      env: 'INFLUX_DATABASE',
      schema: z.string().min(1),
      default: 'environment',
      meaning: 'database queried',
    }),
    username: setting({
      env: 'PUBLIC_INFLUX_USERNAME',
      schema: z.string(),
      optional: true,
      meaning: 'a read-only login (1.x Basic auth; `npm start` provisions `public` with READ)',
    }),
    password: setting({
      env: 'PUBLIC_INFLUX_PASSWORD',
      schema: z.string(),
      optional: true,
      secret: true,
      meaning: "that login's password",
    }),
    token: setting({
      env: 'PUBLIC_INFLUX_TOKEN',
      schema: z.string(),
      optional: true,
      secret: true,
      meaning: 'InfluxDB 2.x/3.x through the v1 compatibility API: a read-only token',
    }),
    timeoutMs: setting({
      env: 'PUBLIC_INFLUX_TIMEOUT_MS',
      schema: positiveInt,
      default: 10_000,
      meaning: 'per query',
    }),
  },
  registryPath: setting({
    env: 'REGISTRY_PATH',
    schema: z.string().min(1),
    optional: true,
    meaning:
      "station list (the broker's registry): only its public stations are served; unset, no station is",
  }),
  recordsPath: setting({
    env: 'RECORDS_PATH',
    schema: z.string().min(1),
    default: 'state/records.db',
    meaning: "records database: validators' decisions (data states) and citizen reports",
  }),
  rateLimit: {
    perMinute: setting({
      env: 'PUBLIC_RATE_PER_MINUTE',
      schema: positiveInt,
      default: 600,
      meaning:
        'requests per client address (IPv6: per /64) and minute, sustained; past it 429 with Retry-After',
    }),
    burst: setting({
      env: 'PUBLIC_RATE_BURST',
      schema: positiveInt,
      default: 120,
      meaning: 'requests a client may send at once before the rate applies',
    }),
  },
  cacheTtlS: setting({
    env: 'PUBLIC_CACHE_TTL_S',
    schema: z.coerce.number().int().min(1).max(3600),
    default: 10,
    meaning:
      'latest values and ISPU are read from InfluxDB at most once per this many seconds; also `Cache-Control: max-age`',
  }),
};

export const PublicConfigSchema = settingsSchema(PublicSettings);
export type PublicConfig = z.infer<typeof PublicConfigSchema>;
export type PublicConfigInput = z.input<typeof PublicConfigSchema>;

/** The only reader of process.env in the public service. */
export function publicConfigFromEnv(env: NodeJS.ProcessEnv = process.env): PublicConfig {
  return settingsFromEnv(PublicSettings, PublicConfigSchema, env);
}

/** PUBLIC_TRUST_PROXY: a yes/no word is a flag; anything else is a list of addresses. */
function proxySetting(value: string | undefined): boolean | string | undefined {
  if (value === undefined || value === '') return undefined;
  if (/^(true|yes|on|1)$/i.test(value)) return true;
  if (/^(false|no|off|0)$/i.test(value)) return false;
  return value;
}
