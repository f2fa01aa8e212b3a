import { join } from 'node:path';
import { z } from 'zod';
import { envFlag, envNonEmpty } from '../lib/config.ts';
import { setting } from '../lib/settings/declare.ts';
import { LogLevelSetting } from '../lib/settings/log-level.ts';
import { settingsFromEnv, settingsSchema } from '../lib/settings/schema.ts';

/** Comma-separated e-mail addresses; each one checked, the bad one named. */
const Recipients = z
  .string()
  .transform((text) =>
    text
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  )
  .pipe(z.array(z.email({ error: (issue) => `'${String(issue.input)}' is not an e-mail address` })));

/** Settings of the reports service's schedule, storage and e-mail (reports/README.md "Configuration"). */
export const ReportsSettings = {
  schedule: {
    enabled: setting({
      env: 'REPORTS_SCHEDULE',
      schema: z.boolean(),
      default: true,
      fromEnv: envFlag,
      meaning:
        'run the scheduled reports (ISPU bulletin 16:00 WIB, monthly reports on the 1st at 01:00 WIB); `off`: none (the console and `npm run report` still generate)',
    }),
    catchUpH: setting({
      env: 'REPORTS_CATCH_UP_H',
      schema: z.coerce
        .number()
        .min(0)
        .max(24 * 31),
      default: 24,
      meaning:
        "at start-up, run each schedule entry's last due run if it is at most this many hours old and was not run (`0`: no catch-up)",
    }),
  },
  dir: setting({
    env: 'REPORTS_DIR',
    schema: z.string().min(1),
    default: 'state/reports',
    shown: '`<STATE_DIR>/reports`',
    meaning: 'where runs are stored, `<yyyy>/<run id>-<file>`; the console reads the same folder',
  }),
  agency: setting({
    env: 'REPORTS_AGENCY',
    schema: z.string().min(1).max(120),
    default: 'DLHK Kota Depok',
    meaning:
      'the agency on the reports and in the e-mail subject: "Laporan ISPU harian 1 Desember 2026 – DLHK Kota Depok"',
  }),
  influx: {
    url: setting({
      env: 'INFLUX_URL',
      schema: z.url(),
      default: 'http://127.0.0.1:8086',
      meaning: 'readings the reports are computed from: InfluxQL over the v1 `/query` API',
    }),
    database: setting({
      env: 'INFLUX_DATABASE',
      schema: z.string().min(1),
      default: 'environment',
      meaning: 'database of the readings',
    }),
    username: setting({
      env: 'INFLUX_USERNAME',
      schema: z.string(),
      optional: true,
      meaning: 'Basic auth (1.x, or a 2.x v1 authorization); a reader is enough',
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
      env: 'REPORTS_INFLUX_TIMEOUT_MS',
      schema: z.coerce.number().int().positive(),
      default: 120_000,
      meaning: 'per report query (a month of one station, streamed)',
    }),
  },
  registryPath: setting({
    env: 'REGISTRY_PATH',
    schema: z.string().min(1),
    default: 'state/registry.json',
    shown: '`<STATE_DIR>/registry.json`',
    meaning: "the stations reports cover (the broker's registry; revoked devices left out)",
  }),
  recordsPath: setting({
    env: 'RECORDS_PATH',
    schema: z.string().min(1),
    default: 'state/records.db',
    shown: '`<STATE_DIR>/records.db`',
    meaning: "records database where each run, its files and their SHA-256 are recorded (the console's)",
  }),
  mail: {
    recipients: setting({
      env: 'REPORTS_RECIPIENTS',
      schema: Recipients,
      default: [],
      deploy: true,
      meaning: 'who gets the scheduled reports by e-mail, comma-separated addresses (empty: nobody)',
    }),
    smtpUrl: setting({
      env: 'REPORTS_SMTP_URL',
      schema: z.string().regex(/^smtps?:\/\//, 'an smtp:// or smtps:// URL'),
      optional: true,
      fallback: 'FLOWS_SMTP_URL',
      fromEnv: envNonEmpty,
      secret: true,
      deploy: true,
      meaning: "mail server, `smtp://user:pass@host:port` (unset: the alerts' `FLOWS_SMTP_URL`)",
    }),
    from: setting({
      env: 'REPORTS_MAIL_FROM',
      schema: z.email(),
      default: 'laporan@localhost',
      fallback: 'FLOWS_MAIL_FROM',
      fromEnv: envNonEmpty,
      meaning: 'sender address (unset: `FLOWS_MAIL_FROM`)',
    }),
    timeoutMs: setting({
      env: 'REPORTS_SMTP_TIMEOUT_MS',
      schema: z.coerce.number().int().positive(),
      default: 30_000,
      meaning: 'connection and answer timeout of the mail server',
    }),
  },
  logLevel: LogLevelSetting,
};

export const ReportsConfigSchema = settingsSchema(ReportsSettings);
export type ReportsConfig = z.infer<typeof ReportsConfigSchema>;
export type ReportsConfigInput = z.input<typeof ReportsConfigSchema>;

/** The only reader of process.env in the reports service; folders default inside STATE_DIR. */
export function reportsConfigFromEnv(env: NodeJS.ProcessEnv = process.env): ReportsConfig {
  const state = env.STATE_DIR || 'state';
  return settingsFromEnv(ReportsSettings, ReportsConfigSchema, {
    ...env,
    REPORTS_DIR: env.REPORTS_DIR || join(state, 'reports'),
    RECORDS_PATH: env.RECORDS_PATH || join(state, 'records.db'),
    REGISTRY_PATH: env.REGISTRY_PATH || join(state, 'registry.json'),
  });
}
