import { join } from 'node:path';
import nodemailer from 'nodemailer';
import { isLanguage, translator } from '../lib/i18n/index.ts';
import type { ReportRun } from '../lib/records/report-runs.ts';
import type { ReportType } from '../lib/reports/model.ts';

/**
 * The e-mail of a scheduled run (issue 16): one message to the recipients with the run's files attached,
 * subject and body from the catalogue (lib/i18n/locales/<lang>/report-runs.json) in the run's language.
 * The transport is nodemailer's, as the alert e-mails' (flows/adapters/notifiers.ts); the SMTP URL holds
 * the password, so nothing here logs it or puts it in an error.
 */

const TITLES: Record<ReportType, string> = {
  'ispu-daily': 'report_runs.title.ispu_daily',
  'air-monthly': 'report_runs.title.air_monthly',
  'wastewater-monthly': 'report_runs.title.wastewater_monthly',
  'water-monthly': 'report_runs.title.water_monthly',
};

const CONTENT_TYPES: Record<string, string> = {
  pdf: 'application/pdf',
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

export type MailSettings = { recipients: string[]; from: string; agency: string };
export type Message = {
  from: string;
  to: string[];
  subject: string;
  text: string;
  attachments: { filename: string; path: string; contentType: string }[];
};
export type SendMail = (message: Message) => Promise<void>;

/** `2026-12-01` -> "1 Desember 2026", `2026-11` -> "November 2026", in the catalogue's locale. */
export function periodWords(period: string, locale: string): string {
  const [year, month, day] = period.split('-').map(Number) as [number, number, number | undefined];
  const date = new Date(Date.UTC(year, month - 1, day ?? 1));
  const parts: Intl.DateTimeFormatOptions =
    day === undefined
      ? { month: 'long', year: 'numeric', timeZone: 'UTC' }
      : { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' };
  return new Intl.DateTimeFormat(locale, parts).format(date);
}

/** The message of a done run: `reportsDir` is where its relative file paths start. */
export function runMessage(run: ReportRun, reportsDir: string, settings: MailSettings): Message {
  const tr = translator(isLanguage(run.lang) ? run.lang : undefined);
  const title = tr.t(TITLES[run.type as ReportType] ?? 'report_runs.title.other', { type: run.type });
  const period = periodWords(run.period, tr.locale);
  const files = run.files.map((f) => `${f.path.split('/').at(-1)}  SHA-256 ${f.sha256}`).join('\n');
  return {
    from: settings.from,
    to: settings.recipients,
    subject: tr.t('report_runs.mail.subject', { title, period, agency: settings.agency }),
    text: tr.t('report_runs.mail.body', {
      title,
      period,
      agency: settings.agency,
      stations: run.stations.length,
      files,
    }),
    attachments: run.files.map((f) => ({
      filename: f.path.split('/').at(-1) ?? f.path,
      path: join(reportsDir, f.path),
      contentType: CONTENT_TYPES[f.format] ?? 'application/octet-stream',
    })),
  };
}

/**
 * A message the mail server did not take. `permanent`: it answered 5xx, which SMTP means as "do not
 * send this again unchanged" (RFC 5321 4.2.1: an unknown mailbox, a message too large, a login refused):
 * retrying cannot help until someone changes the settings. 4xx answers and no answer at all are transient.
 */
export class MailRefused extends Error {
  readonly permanent: boolean;
  constructor(message: string, responseCode: number | undefined) {
    super(message);
    this.name = 'MailRefused';
    this.permanent = responseCode !== undefined && responseCode >= 500 && responseCode < 600;
  }
}

/** nodemailer over `smtpUrl`; `close` ends its pooled connections. */
export function smtpSender(smtpUrl: string, timeoutMs: number): { send: SendMail; close(): void } {
  const transport = nodemailer.createTransport({
    url: smtpUrl,
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
  });
  return {
    async send(message) {
      try {
        await transport.sendMail(message);
      } catch (err) {
        // nodemailer's errors may quote the command; keep its code and response, never the URL.
        const e = err as { code?: string; responseCode?: number; message?: string };
        throw new MailRefused(
          `mail server refused or failed (${e.code ?? 'error'} ${e.responseCode ?? ''})`.trim(),
          e.responseCode,
        );
      }
    },
    close: () => transport.close(),
  };
}
