import type { DatabaseSync, StatementSync } from 'node:sqlite';

export const MailStatuses = ['pending', 'sent', 'failed'] as const;
export type MailStatus = (typeof MailStatuses)[number];

/** The e-mail delivery of one scheduled run (migration 007). Times are epoch ms UTC. */
export type MailDelivery = {
  run_id: number;
  recipients: string[];
  status: MailStatus;
  /** Attempts made so far (0: queued, not tried yet). */
  attempts: number;
  /** Why the last attempt failed, in the service's words (never the mail server's URL). */
  last_error: string | null;
  /** When a pending delivery is tried next; null once sent or given up. */
  next_attempt_at: number | null;
  created_at: number;
  updated_at: number;
};

type Row = Omit<MailDelivery, 'recipients'> & { recipients: string };

const toDelivery = (row: Row): MailDelivery => {
  const parsed: unknown = JSON.parse(row.recipients);
  const recipients = Array.isArray(parsed) ? parsed.filter((v): v is string => typeof v === 'string') : [];
  return { ...row, recipients };
};

/**
 * Deliveries of scheduled reports by e-mail: queued when a run ends well, then each attempt's outcome.
 * Every change is conditional on the delivery still being `pending`, so a delivery ends once (sent or
 * failed) even if two attempts raced.
 */
export class ReportMailRepo {
  readonly #db: DatabaseSync;
  readonly #queue: StatementSync;
  readonly #get: StatementSync;
  readonly #due: StatementSync;
  readonly #next: StatementSync;
  readonly #update: StatementSync;

  constructor(db: DatabaseSync) {
    this.#db = db;
    this.#queue = db.prepare(
      `INSERT INTO report_mail (run_id, recipients, next_attempt_at, created_at, updated_at)
       VALUES (:run_id, :recipients, :at, :at, :at) ON CONFLICT (run_id) DO NOTHING`,
    );
    this.#get = db.prepare('SELECT * FROM report_mail WHERE run_id = ?');
    this.#due = db.prepare(
      `SELECT * FROM report_mail WHERE status = 'pending' AND next_attempt_at <= ?
       ORDER BY next_attempt_at, run_id`,
    );
    this.#next = db.prepare(`SELECT min(next_attempt_at) AS at FROM report_mail WHERE status = 'pending'`);
    this.#update = db.prepare(
      `UPDATE report_mail SET status = :status, attempts = :attempts, last_error = :last_error,
         next_attempt_at = :next_attempt_at, updated_at = :at
       WHERE run_id = :run_id AND status = 'pending'`,
    );
  }

  /** Queues a run's e-mail, due at `at`. False when the run already has a delivery (one per run). */
  queue(runId: number, recipients: readonly string[], at: number): boolean {
    return this.#queue.run({ run_id: runId, recipients: JSON.stringify(recipients), at }).changes === 1;
  }

  get(runId: number): MailDelivery | undefined {
    const row = this.#get.get(runId) as Row | undefined;
    return row && toDelivery(row);
  }

  /** The deliveries of these runs (the console's list shows them beside each run). */
  ofRuns(runIds: readonly number[]): Map<number, MailDelivery> {
    const found = new Map<number, MailDelivery>();
    if (runIds.length === 0) return found;
    const rows = this.#db
      .prepare(`SELECT * FROM report_mail WHERE run_id IN (${runIds.map(() => '?').join(', ')})`)
      .all(...runIds) as Row[];
    for (const row of rows) found.set(row.run_id, toDelivery(row));
    return found;
  }

  /** Pending deliveries whose next attempt is at or before `now`, the oldest first. */
  due(now: number): MailDelivery[] {
    return (this.#due.all(now) as Row[]).map(toDelivery);
  }

  /** The earliest next attempt of any pending delivery, undefined when none is pending. */
  nextAttemptAt(): number | undefined {
    const row = this.#next.get() as { at: number | null } | undefined;
    return row?.at ?? undefined;
  }

  /** The mail server accepted the message at attempt `attempts`. */
  sent(runId: number, at: number, attempts: number): boolean {
    return this.#set(runId, at, { status: 'sent', attempts, last_error: null, next_attempt_at: null });
  }

  /** Attempt `attempts` failed; tried again at `nextAt`. */
  retry(runId: number, at: number, attempts: number, error: string, nextAt: number): boolean {
    return this.#set(runId, at, { status: 'pending', attempts, last_error: error, next_attempt_at: nextAt });
  }

  /** Attempt `attempts` failed and was the last one. */
  failed(runId: number, at: number, attempts: number, error: string): boolean {
    return this.#set(runId, at, { status: 'failed', attempts, last_error: error, next_attempt_at: null });
  }

  #set(
    runId: number,
    at: number,
    change: Pick<MailDelivery, 'status' | 'attempts' | 'last_error' | 'next_attempt_at'>,
  ): boolean {
    return this.#update.run({ run_id: runId, at, ...change }).changes === 1;
  }
}
