import { join } from 'node:path';
import { z } from 'zod';
import { envFlag, envNonEmpty } from '../lib/config.ts';
import { setting } from '../lib/settings/declare.ts';
import { LogLevelSetting } from '../lib/settings/log-level.ts';
import { settingsFromEnv, settingsSchema } from '../lib/settings/schema.ts';
import { GenerationSettings } from './generation-config.ts';

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

/**
 * Settings of the reports service (reports/README.md "Schedule, storage and e-mail"): what generating
 * reads (generation-config.ts, shared with `npm run report`), then the schedule, the folder and e-mail.
 */
export const ReportsSettings = {
  // InfluxDB, the registry, the records database, the agency: as `npm run report` reads them.
  ...GenerationSettings,
  recordsPath: setting({
    env: 'RECORDS_PATH',
    schema: z.string().min(1),
    default: 'state/records.db',
    shown: '`<STATE_DIR>/records.db`',
    meaning:
      'records database: maintenance windows, validations (read), and the runs with their files and SHA-256 (written; the console lists them)',
  }),
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
  retentionDays: setting({
    env: 'REPORTS_RETENTION_DAYS',
    schema: z.coerce.number().int().min(0).max(36_500),
    default: 0,
    meaning:
      'delete the files of runs finished more than this many days ago, daily at 16:05 WIB (after the bulletin); the runs and their SHA-256 stay in the records, marked pruned (`0`: keep every file)',
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
    agency: setting({
      env: 'REPORTS_MAIL_AGENCY',
      schema: z.string().min(1).max(120),
      default: 'DLHK Kota Depok',
      meaning: 'the agency as the subject names it: "Laporan ISPU harian 1 Desember 2026 – DLHK Kota Depok"',
    }),
    timeoutMs: setting({
      env: 'REPORTS_SMTP_TIMEOUT_MS',
      schema: z.coerce.number().int().positive(),
      default: 30_000,
      meaning: 'connection and answer timeout of the mail server',
    }),
    maxAttempts: setting({
      env: 'REPORTS_MAIL_MAX_ATTEMPTS',
      schema: z.coerce.number().int().min(1).max(20),
      default: 5,
      meaning:
        'attempts to mail a scheduled report before giving up: at once, then after 1, 5, 15 and 60 minutes (60 from then on)',
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
