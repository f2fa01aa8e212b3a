import type { Logger } from '../lib/log.ts';
import type { AuditAction } from '../lib/records/audit.ts';
import type { Records } from '../lib/records/database.ts';
import type { MailDelivery } from '../lib/records/report-mail.ts';
import { MailRefused, type MailSettings, runMessage, type SendMail } from './mail.ts';

/**
 * E-mail of scheduled runs that survives refusals and restarts (reports/README.md "E-mail"): each
 * delivery is a row of the records database (migration 007), tried at once, then again after 1, 5, 15
 * and 60 minutes (60 from then on) until the mail server accepts it or REPORTS_MAIL_MAX_ATTEMPTS
 * attempts were made; a permanent (5xx) refusal ends it at once. A fixed table rather than lib/backoff.ts's jittered delays: one process sends,
 * so there is no herd to spread, and the console can show the operator the exact time of the next try.
 */
export const RETRY_DELAYS_MS = [60_000, 5 * 60_000, 15 * 60_000, 60 * 60_000] as const;

/** The wait after failed attempt `attempts` (1-based). */
export function retryDelay(attempts: number): number {
  const index = Math.min(Math.max(attempts, 1), RETRY_DELAYS_MS.length) - 1;
  return RETRY_DELAYS_MS[index] ?? 3_600_000;
}

// Retrying cannot bring files back: a delivery of a run without them ends at once.
const NO_FILES = 'the run has no files to send';

export type Outcome = 'sent' | 'retry' | 'failed';

export type MailerDeps = {
  records: Records;
  send: SendMail;
  /** Where the runs' relative file paths start (REPORTS_DIR). */
  dir: string;
  mail: Omit<MailSettings, 'recipients'>;
  maxAttempts: number;
  now: () => number;
  log: Logger;
  audit: (runId: number, action: AuditAction, after: unknown) => void;
};

export type Mailer = {
  /** Tries every delivery due now, one after another; one pass at a time. */
  deliverDue(): Promise<Map<number, Outcome>>;
  /** Settles when the pass in progress, if any, has ended. */
  idle(): Promise<void>;
  /** Counts since the start: messages accepted, attempts that will be retried, deliveries given up. */
  counts: { sent: number; retried: number; failed: number };
};

export function mailer(deps: MailerDeps): Mailer {
  const counts = { sent: 0, retried: 0, failed: 0 };
  let pass: Promise<unknown> = Promise.resolve();

  const attempt = async (delivery: MailDelivery): Promise<Outcome> => {
    const { records, log } = deps;
    const id = delivery.run_id;
    const attempts = delivery.attempts + 1;
    const run = records.reportRuns.get(id);
    const to = delivery.recipients;
    let error: string;
    let permanent = false;
    if (run?.status !== 'done' || run.pruned_at !== null) error = NO_FILES;
    else {
      const message = runMessage(run, deps.dir, { ...deps.mail, recipients: to });
      try {
        await deps.send(message);
        records.reportMail.sent(id, deps.now(), attempts);
        counts.sent++;
        deps.audit(id, 'report_mailed', { to, subject: message.subject, attempts });
        log.info({ run: id, to: to.length, attempts }, 'scheduled report mailed');
        return 'sent';
      } catch (err) {
        // smtpSender's message names the code and SMTP answer only, never the server's URL.
        error = (err as Error).message || 'mail server refused or failed';
        permanent = err instanceof MailRefused && err.permanent;
      }
    }
    const at = deps.now();
    if (attempts >= deps.maxAttempts || error === NO_FILES || permanent) {
      records.reportMail.failed(id, at, attempts, error);
      counts.failed++;
      deps.audit(id, 'report_mail_failed', { to, message: error, attempts });
      log.error({ run: id, attempts, err: error }, 'scheduled report not mailed: gave up');
      return 'failed';
    }
    const nextAt = at + retryDelay(attempts);
    records.reportMail.retry(id, at, attempts, error, nextAt);
    counts.retried++;
    deps.audit(id, 'report_mail_retry', { to, message: error, attempts, next_attempt_at: nextAt });
    log.warn(
      { run: id, attempts, err: error, next: new Date(nextAt).toISOString() },
      'scheduled report not mailed: will retry',
    );
    return 'retry';
  };

  const deliverDue = (): Promise<Map<number, Outcome>> => {
    const next = pass.then(async () => {
      const outcomes = new Map<number, Outcome>();
      for (const delivery of deps.records.reportMail.due(deps.now()))
        outcomes.set(delivery.run_id, await attempt(delivery));
      return outcomes;
    });
    pass = next.catch((err: Error) => deps.log.error({ err: err.message }, 'mail pass failed'));
    return next;
  };

  return { deliverDue, idle: () => pass.then(() => {}), counts };
}
