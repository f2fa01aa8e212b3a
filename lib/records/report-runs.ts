import type { DatabaseSync, SQLInputValue, StatementSync } from 'node:sqlite';

/** How a run was asked for: the console's form, the API with a token, `npm run report`, the scheduler. */
export const RunVias = ['console', 'api', 'cli', 'schedule'] as const;
export type RunVia = (typeof RunVias)[number];
export const RunStatuses = ['running', 'done', 'failed'] as const;
export type RunStatus = (typeof RunStatuses)[number];

/** Who asked for a scheduled run (a user name is ACCOUNT_NAME, which `schedule` also is, so it is reserved). */
export const SCHEDULE_REQUESTER = 'schedule';

export type RunFile = {
  format: string;
  /** Relative to the reports folder, `/`-separated: `2026/ispu-daily-2026-12-01.pdf`. */
  path: string;
  bytes: number;
  sha256: string;
};

export type ReportRun = {
  id: number;
  type: string;
  period: string;
  stations: string[];
  lang: string;
  formats: string[];
  requested_by: string;
  via: RunVia;
  status: RunStatus;
  message: string | null;
  started_at: number;
  finished_at: number | null;
  /** When retention deleted its files from the reports folder (migration 007); the rows stay. */
  pruned_at: number | null;
  files: RunFile[];
};

export type NewRun = Pick<
  ReportRun,
  'type' | 'period' | 'stations' | 'lang' | 'formats' | 'requested_by' | 'via'
> & {
  started_at: number;
};

/** `cursor`: the id of the last row of the previous page (newest first). */
export type RunFilter = { requestedBy?: string; status?: RunStatus; cursor?: number; limit?: number };

type Row = Omit<ReportRun, 'stations' | 'formats' | 'files'> & { stations: string; formats: string };

const strings = (column: string): string[] => {
  const parsed: unknown = JSON.parse(column);
  return Array.isArray(parsed) ? parsed.filter((v): v is string => typeof v === 'string') : [];
};

/** Report runs and their files (migration 005). Times are epoch ms UTC. */
export class ReportRunRepo {
  readonly #db: DatabaseSync;
  readonly #insert: StatementSync;
  readonly #finish: StatementSync;
  readonly #addFile: StatementSync;
  readonly #get: StatementSync;
  readonly #files: StatementSync;
  readonly #scheduled: StatementSync;

  constructor(db: DatabaseSync) {
    this.#db = db;
    this.#insert = db.prepare(
      `INSERT INTO report_runs (type, period, stations, lang, formats, requested_by, via, started_at)
       VALUES (:type, :period, :stations, :lang, :formats, :requested_by, :via, :started_at) RETURNING id`,
    );
    this.#finish = db.prepare(
      `UPDATE report_runs SET status = :status, message = :message, finished_at = :finished_at,
         stations = coalesce(:stations, stations)
       WHERE id = :id AND status = 'running'`,
    );
    this.#addFile = db.prepare(
      `INSERT INTO report_files (run_id, format, path, bytes, sha256)
       VALUES (:run_id, :format, :path, :bytes, :sha256)`,
    );
    this.#get = db.prepare('SELECT * FROM report_runs WHERE id = ?');
    this.#files = db.prepare(
      'SELECT format, path, bytes, sha256 FROM report_files WHERE run_id = ? ORDER BY rowid',
    );
    this.#scheduled = db.prepare(
      `SELECT * FROM report_runs WHERE via = 'schedule' AND type = ? AND period = ?
       ORDER BY id DESC LIMIT 1`,
    );
  }

  /** Records a run as it starts (`running`); returns its id. */
  start(run: NewRun): number {
    const row = this.#insert.get({
      ...run,
      stations: JSON.stringify(run.stations),
      formats: JSON.stringify(run.formats),
    }) as { id: number };
    return row.id;
  }

  /**
   * A run that ended well, with its files and the stations the report covers, in one transaction.
   * False when the run is unknown or already ended (a run ends once).
   */
  done(id: number, at: number, stations: readonly string[], files: readonly RunFile[]): boolean {
    this.#db.exec('SAVEPOINT report_done');
    try {
      const changed = this.#finish.run({
        id,
        status: 'done',
        message: null,
        finished_at: at,
        stations: JSON.stringify(stations),
      }).changes;
      if (changed === 1) for (const file of files) this.#addFile.run({ run_id: id, ...file });
      this.#db.exec('RELEASE report_done');
      return changed === 1;
    } catch (err) {
      this.#db.exec('ROLLBACK TO report_done; RELEASE report_done');
      throw err;
    }
  }

  /** A run that failed, with why (never empty). False when unknown or already ended. */
  failed(id: number, at: number, message: string): boolean {
    const text = message.trim() || 'failed without a message';
    return (
      this.#finish.run({ id, status: 'failed', message: text, finished_at: at, stations: null }).changes === 1
    );
  }

  get(id: number): ReportRun | undefined {
    const row = this.#get.get(id) as Row | undefined;
    return row && this.#withFiles(row);
  }

  /** Newest first. */
  list(filter: RunFilter = {}): ReportRun[] {
    const where: string[] = [];
    const params: Record<string, SQLInputValue> = {};
    if (filter.requestedBy !== undefined) {
      where.push('requested_by = :requested_by');
      params.requested_by = filter.requestedBy;
    }
    if (filter.status !== undefined) {
      where.push('status = :status');
      params.status = filter.status;
    }
    if (filter.cursor !== undefined) {
      where.push('id < :cursor');
      params.cursor = filter.cursor;
    }
    params.limit = Math.min(Math.max(filter.limit ?? 100, 1), 1000);
    const sql = `SELECT * FROM report_runs ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY id DESC LIMIT :limit`;
    return (this.#db.prepare(sql).all(params) as Row[]).map((row) => this.#withFiles(row));
  }

  /** The runs of a requester still running (the console allows one at a time per user). */
  running(requestedBy: string): ReportRun[] {
    return this.list({ requestedBy, status: 'running' });
  }

  /** The newest scheduled run of this type and period, whatever its status (the scheduler's catch-up). */
  scheduled(type: string, period: string): ReportRun | undefined {
    const row = this.#scheduled.get(type, period) as Row | undefined;
    return row && this.#withFiles(row);
  }

  /**
   * Runs whose files retention may delete: `done`, finished before `before`, not pruned yet, and without
   * an e-mail still pending (its retry attaches the files). Oldest first. Running and failed runs never.
   */
  prunable(before: number): ReportRun[] {
    const rows = this.#db
      .prepare(
        `SELECT * FROM report_runs r WHERE status = 'done' AND pruned_at IS NULL AND finished_at < ?
           AND NOT EXISTS (SELECT 1 FROM report_mail m WHERE m.run_id = r.id AND m.status = 'pending')
         ORDER BY id`,
      )
      .all(before) as Row[];
    return rows.map((row) => this.#withFiles(row));
  }

  /** Records that a done run's files were deleted; false when unknown, not done or already pruned. */
  markPruned(id: number, at: number): boolean {
    return (
      this.#db
        .prepare(
          `UPDATE report_runs SET pruned_at = ? WHERE id = ? AND status = 'done' AND pruned_at IS NULL`,
        )
        .run(at, id).changes === 1
    );
  }

  /**
   * Marks every run still `running` as failed: called at start-up, when no generation of this process
   * can be going on, so a crash mid-run does not leave a run that blocks its user forever.
   */
  abandon(at: number, message: string, via?: readonly RunVia[]): number {
    const only = via ? `AND via IN (${via.map(() => '?').join(', ')})` : '';
    return Number(
      this.#db
        .prepare(
          `UPDATE report_runs SET status = 'failed', message = ?, finished_at = ? WHERE status = 'running' ${only}`,
        )
        .run(message, at, ...(via ?? [])).changes,
    );
  }

  #withFiles(row: Row): ReportRun {
    return {
      ...row,
      stations: strings(row.stations),
      formats: strings(row.formats),
      files: this.#files.all(row.id) as RunFile[],
    };
  }
}
