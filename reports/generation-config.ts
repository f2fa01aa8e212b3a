import { join } from 'node:path';
import { z } from 'zod';
import { envNonEmpty } from '../lib/config.ts';
import { setting } from '../lib/settings/declare.ts';
import { settingsFromEnv, settingsSchema } from '../lib/settings/schema.ts';

/**
 * What generating a report reads (issue 16): InfluxDB, the registry, the records database, the agency's
 * name and logo. `npm run report` (cli.ts) and the scheduled runs share these; the defaults are those of
 * `npm start`'s state folder, so the CLI works against a running stack with no setting at all.
 */
export const GenerationSettings = {
  stateDir: setting({
    env: 'STATE_DIR',
    schema: z.string().min(1),
    default: 'state',
    meaning:
      "`npm start`'s state folder: the registry, the records database and the InfluxDB logins' passwords",
  }),
  influx: {
    url: setting({
      env: 'INFLUX_URL',
      schema: z.url(),
      default: 'http://127.0.0.1:8086',
      meaning: 'InfluxDB read with InfluxQL over the v1 `/query` API (1.x, or 2.x/3.x v1 compatibility)',
    }),
    database: setting({
      env: 'INFLUX_DATABASE',
      schema: z.string().min(1),
      default: 'environment',
      meaning: 'database of the readings',
    }),
    username: setting({
      env: 'REPORTS_INFLUX_USERNAME',
      schema: z.string().min(1),
      default: 'reports',
      meaning: 'login (READ on the database only; `npm start` provisions `reports`)',
    }),
    password: setting({
      env: 'REPORTS_INFLUX_PASSWORD',
      schema: z.string().min(1),
      optional: true,
      fromEnv: envNonEmpty,
      secret: true,
      shown: '`<STATE_DIR>/influxdb-<user>-password` when present',
      meaning: 'its password; unset: read from the state folder, and without that file no login is sent',
    }),
    token: setting({
      env: 'REPORTS_INFLUX_TOKEN',
      schema: z.string().min(1),
      optional: true,
      fromEnv: envNonEmpty,
      secret: true,
      meaning: 'InfluxDB 2.x/3.x token (v1 compatibility), instead of the login',
    }),
    timeoutMs: setting({
      env: 'REPORTS_INFLUX_TIMEOUT_MS',
      schema: z.coerce.number().int().positive(),
      default: 120_000,
      meaning: "longest a station's query may take (a month of 1-minute readings streams in chunks)",
    }),
  },
  registryPath: setting({
    env: 'REGISTRY_PATH',
    schema: z.string().min(1),
    default: 'state/registry.json',
    shown: '`<STATE_DIR>/registry.json`',
    meaning: 'the stations (names, kinds, districts, operators)',
  }),
  recordsPath: setting({
    env: 'RECORDS_PATH',
    schema: z.string().min(1),
    default: 'state/records.db',
    shown: '`<STATE_DIR>/records.db`',
    meaning: 'records database, read only: maintenance windows, validations, and `--user` scopes',
  }),
  agencyName: setting({
    env: 'REPORTS_AGENCY_NAME',
    schema: z.string().min(1).max(200),
    default: 'Dinas Lingkungan Hidup dan Kebersihan Kota Depok',
    meaning: 'the agency named at the head of every report',
  }),
  logoPath: setting({
    env: 'REPORTS_LOGO_PATH',
    schema: z.string().min(1),
    optional: true,
    fromEnv: envNonEmpty,
    meaning: 'PNG, JPEG or SVG logo printed beside the name (unset: none)',
  }),
};

export const GenerationConfigSchema = settingsSchema(GenerationSettings);
export type GenerationConfig = z.infer<typeof GenerationConfigSchema>;

/** The only reader of process.env for generation; paths default inside STATE_DIR. */
export function generationConfigFromEnv(env: NodeJS.ProcessEnv = process.env): GenerationConfig {
  const state = env.STATE_DIR || 'state';
  return settingsFromEnv(GenerationSettings, GenerationConfigSchema, {
    ...env,
    REGISTRY_PATH: env.REGISTRY_PATH || join(state, 'registry.json'),
    RECORDS_PATH: env.RECORDS_PATH || join(state, 'records.db'),
  });
}
