import { Cron } from 'croner';
import type { Logger } from '../lib/log.ts';
import type { AuditAction } from '../lib/records/audit.ts';
import { openRecords } from '../lib/records/database.ts';
import { type ReportRun, SCHEDULE_REQUESTER } from '../lib/records/report-runs.ts';
import { FORMATS } from '../lib/reports/formats.ts';
import { reportGenerator } from '../lib/reports/generator.ts';
import { closePrinters } from '../lib/reports/render/pdf.ts';
import { type Generate, runReport } from '../lib/reports/run.ts';
import type { ReportsConfig } from './config.ts';
import { type Mailer, mailer } from './delivery.ts';
import { openGeneration } from './generation.ts';
import { type SendMail, smtpSender } from './mail.ts';
import { type PruneResult, pruneReports } from './retention.ts';
import {
  catchUp,
  checkSchedule,
  DEFAULT_SCHEDULE,
  type DueRun,
  lastDue,
  type ScheduleEntry,
  ZONE,
} from './schedule.ts';

/** Daily retention pass: 16:05 WIB, after the ISPU bulletin of 16:00 (schedule.ts). */
const PRUNE_CRON = '5 16 * * *';

export type ReportsDeps = {
  /** Makes the files; default: lib/reports/generator.ts over InfluxDB and the registry. */
  generate?: Generate;
  schedule?: readonly ScheduleEntry[];
  /** Sends a message; default: nodemailer over REPORTS_SMTP_URL when it is set, else no e-mail. */
  send?: SendMail;
  now?: () => number;
};

export type ReportsService = {
  /** Runs the schedule would start now (tests and the catch-up use it): run, recorded, mailed. */
  runDue(due: DueRun): Promise<ReportRun>;
  /** The runs started at start-up to catch up (settled once they end). */
  caughtUp: Promise<ReportRun[]>;
  /** Tries the e-mails due now (the retry timer calls it; tests too, with their clock). */
  deliverDue(): Promise<Map<number, 'sent' | 'retry' | 'failed'>>;
  /** One retention pass after the runs queued before it (the daily job calls it). */
  prune(): Promise<PruneResult>;
  /** Messages accepted, attempts to be retried and deliveries given up since the start. */
  mailCounts: Mailer['counts'];
  close(): Promise<void>;
};

/**
 * The reports service (issue 16): at each due time of the schedule, one report run recorded in the
 * records database with its files under REPORTS_DIR, then one e-mail to the recipients. Runs go one
 * after another (a month of 37 stations is CPU work; two at once only slow both). At start-up, runs
 * left `running` by a stop mid-run are marked failed, and each entry's last due run is caught up once.
 */
export async function startReports(
  config: ReportsConfig,
  log: Logger,
  deps: ReportsDeps = {},
): Promise<ReportsService> {
  const schedule = deps.schedule ?? DEFAULT_SCHEDULE;
  const problem = checkSchedule(schedule);
  if (problem) throw Object.assign(new Error(problem), { code: 'REPORTS_SCHEDULE_INVALID' });
  const now = deps.now ?? Date.now;
  const records = openRecords(config.recordsPath);
  const generate = deps.generate ?? scheduledGenerator(config, now);
  const smtp =
    !deps.send && config.mail.smtpUrl ? smtpSender(config.mail.smtpUrl, config.mail.timeoutMs) : undefined;
  const send = deps.send ?? smtp?.send;
  if (config.mail.recipients.length > 0 && !send)
    log.warn(
      'REPORTS_RECIPIENTS is set but no mail server (REPORTS_SMTP_URL): scheduled reports are not mailed',
    );

  const delivery = send
    ? mailer({
        records,
        send,
        dir: config.dir,
        mail: { from: config.mail.from, agency: config.mail.agency },
        maxAttempts: config.mail.maxAttempts,
        now,
        log,
        audit: (id, action, after) => audit(id, action, after),
      })
    : undefined;
  // One timer, armed for the earliest pending delivery (at least 1 s, at most an hour away, so a clock
  // change or a delivery queued by another process is seen within the hour).
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  const arm = () => {
    clearTimeout(timer);
    const at = records.reportMail.nextAttemptAt();
    if (closed || !delivery || at === undefined) return;
    const pass = () =>
      void deliverDue().catch((err: Error) => log.error({ err: err.message }, 'mail retry failed'));
    timer = setTimeout(pass, Math.min(Math.max(at - now(), 1000), 3_600_000));
  };
  const deliverDue = async () => {
    const outcomes = delivery ? await delivery.deliverDue() : new Map();
    arm();
    return outcomes;
  };

  let queue: Promise<unknown> = Promise.resolve();
  const runDue = (due: DueRun): Promise<ReportRun> => {
    const next = queue.then(() => runAndMail(due));
    queue = next.catch(() => {});
    return next;
  };

  const runAndMail = async ({ entry, period }: DueRun): Promise<ReportRun> => {
    const request = { type: entry.type, period, stations: [], lang: entry.lang };
    const who = { name: SCHEDULE_REQUESTER, via: 'schedule' as const, scope: {} };
    const run = await runReport(request, entry.formats, who, {
      records,
      dir: config.dir,
      generate,
      now,
    });
    audit(run.id, 'report_generated', { type: run.type, period, status: run.status });
    if (run.status === 'failed') {
      log.error({ run: run.id, type: run.type, period, message: run.message }, 'scheduled report failed');
      return run;
    }
    log.info({ run: run.id, type: run.type, period, files: run.files.length }, 'scheduled report stored');
    const recipients = entry.recipients === 'default' ? config.mail.recipients : entry.recipients;
    if (!send || recipients.length === 0) return run;
    // Recorded before the first attempt, so a stop during it leaves a delivery the next start retries.
    records.reportMail.queue(run.id, recipients, now());
    await deliverDue();
    return run;
  };

  const audit = (id: number, action: AuditAction, after: unknown) => {
    try {
      records.audit.append({
        at: now(),
        actor: SCHEDULE_REQUESTER,
        via: 'system',
        action,
        target: `report/${id}`,
        after,
      });
    } catch (err) {
      log.error({ err: (err as Error).message, action, run: id }, 'audit row not written');
    }
  };

  // Nothing of ours runs yet, so a scheduled run still `running` was cut off by a stop.
  const abandoned = records.reportRuns.abandon(now(), 'the reports service stopped during the run', [
    'schedule',
  ]);
  if (abandoned > 0) log.warn({ runs: abandoned }, 'scheduled runs cut off by a stop marked failed');

  const prune = (): Promise<PruneResult> => {
    const days = config.retentionDays;
    const next = queue.then(() => pruneReports({ records, dir: config.dir, days, now, log, audit }));
    queue = next.catch((err: Error) => log.error({ err: err.message }, 'pruning failed'));
    return next;
  };

  // Deliveries left pending by the last stop (or refused before it) go on where they were.
  const pending = records.reportMail.due(Number.MAX_SAFE_INTEGER).length;
  if (pending > 0) {
    if (delivery) log.info({ deliveries: pending }, 'resuming pending report e-mails');
    else log.warn({ deliveries: pending }, 'report e-mails pending but no mail server (REPORTS_SMTP_URL)');
  }
  const resumed = deliverDue();

  const jobs: Cron[] = [];
  // After the 16:00 bulletin, and queued behind it: a run still running is never pruned.
  if (config.retentionDays > 0) jobs.push(new Cron(PRUNE_CRON, { timezone: ZONE }, () => void prune()));
  let caughtUp: Promise<ReportRun[]> = Promise.resolve([]);
  if (config.schedule.enabled) {
    const missed = catchUp(schedule, now(), config.schedule.catchUpH * 3_600_000, (type, period) =>
      Boolean(records.reportRuns.scheduled(type, period)),
    );
    for (const due of missed)
      log.info({ type: due.entry.type, period: due.period }, 'catching up a missed run');
    caughtUp = Promise.all(missed.map(runDue));
    for (const entry of schedule)
      jobs.push(
        new Cron(entry.cron, { timezone: ZONE }, () => {
          const due = lastDue(entry, now());
          if (due) void runDue(due);
        }),
      );
    log.info(
      {
        entries: schedule.map((e) => `${e.type} ${e.cron}`),
        dir: config.dir,
        recipients: config.mail.recipients.length,
      },
      'report schedule running',
    );
  } else log.info('report schedule off (REPORTS_SCHEDULE)');

  return {
    runDue,
    caughtUp,
    deliverDue,
    prune,
    mailCounts: delivery?.counts ?? { sent: 0, retried: 0, failed: 0 },
    async close() {
      for (const job of jobs) job.stop();
      await queue;
      await resumed;
      closed = true;
      clearTimeout(timer);
      await delivery?.idle();
      smtp?.close();
      records.close();
      await closePrinters();
    },
  };
}

/**
 * The real generator: the registry, the records (read only) and the logo opened afresh for each run,
 * as `npm run report` opens them (generation.ts), so a device added since the start is reported on.
 */
function scheduledGenerator(config: ReportsConfig, now: () => number): Generate {
  return async (request, options) => {
    const generation = await openGeneration(config);
    try {
      const generator = reportGenerator({
        formats: FORMATS,
        stations: async () => generation.stations,
        agency: generation.agency,
        source: generation.source,
        now,
      });
      return await generator.generate(request, options);
    } finally {
      generation.close();
    }
  };
}
