import { closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import { backup, DatabaseSync } from 'node:sqlite';
import { AuditRepo } from './audit.ts';
import { CitizenReportRepo } from './citizen-reports.ts';
import { MaintenanceRepo } from './maintenance.ts';
import { loadMigrations, type Migration, migrate, RecordsError, schemaVersion } from './migrate.ts';
import { ReportMailRepo } from './report-mail.ts';
import { ReportRunRepo } from './report-runs.ts';
import { TokenRepo } from './tokens.ts';
import { UserRepo } from './users.ts';
import { ValidationRepo } from './validations.ts';

export type Records = {
  readonly path: string;
  readonly db: DatabaseSync;
  readonly users: UserRepo;
  readonly tokens: TokenRepo;
  readonly audit: AuditRepo;
  /** Maintenance and calibration windows, and validators' decisions (issue 15). */
  readonly maintenance: MaintenanceRepo;
  readonly validations: ValidationRepo;
  /** Report runs and their files (issue 16). */
  readonly reportRuns: ReportRunRepo;
  /** E-mail deliveries of scheduled runs, with their retries (migration 007). */
  readonly reportMail: ReportMailRepo;
  /** Citizen reports (pengaduan) and their moderation (issue 17). */
  readonly citizenReports: CitizenReportRepo;
  /** Schema version after opening, and the migrations this open applied (empty when up to date). */
  readonly version: number;
  readonly applied: number[];
  /** Runs `work` in one write transaction: all of it is stored, or none (it must not await). */
  transaction<T>(work: () => T): T;
  /** An online copy to `file` (node:sqlite backup(), page by page; writers may go on meanwhile). */
  backup(file: string): Promise<number>;
  close(): void;
};

export type OpenOptions = { migrations?: readonly Migration[]; now?: number };

/**
 * Opens (creating when needed) the records database: one SQLite file in the state folder, WAL mode so
 * the console reads while the users CLI writes, `busy_timeout` so a writer waits for another instead of
 * failing, foreign keys on. Migrations run before anything else touches it. The file is created with
 * mode 0600: it holds password hashes.
 */
export function openRecords(path: string, options: OpenOptions = {}): Records {
  const memory = path === ':memory:';
  if (!memory) {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    if (!existsSync(path)) closeSync(openSync(path, 'a', 0o600));
  }
  const db = new DatabaseSync(path);
  try {
    db.exec('PRAGMA busy_timeout = 5000');
    if (!memory) {
      const mode = db.prepare('PRAGMA journal_mode = WAL').get() as { journal_mode: string };
      if (mode.journal_mode !== 'wal')
        throw new RecordsError(
          'RECORDS_NO_WAL',
          `${path}: WAL mode refused (${mode.journal_mode})`,
          'is the folder on a network share?',
        );
    }
    // NORMAL is durable in WAL mode except for the last transactions before a power loss.
    db.exec('PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON');
    const applied = migrate(db, options.migrations ?? loadMigrations(), options.now);
    return wrap(path, db, applied);
  } catch (err) {
    db.close();
    throw err;
  }
}

function wrap(path: string, db: DatabaseSync, applied: number[]): Records {
  return {
    path,
    db,
    users: new UserRepo(db),
    tokens: new TokenRepo(db),
    audit: new AuditRepo(db),
    maintenance: new MaintenanceRepo(db),
    validations: new ValidationRepo(db),
    reportRuns: new ReportRunRepo(db),
    reportMail: new ReportMailRepo(db),
    citizenReports: new CitizenReportRepo(db),
    version: schemaVersion(db),
    applied,
    transaction<T>(work: () => T): T {
      db.exec('BEGIN IMMEDIATE');
      try {
        const result = work();
        db.exec('COMMIT');
        return result;
      } catch (err) {
        if (db.isTransaction) db.exec('ROLLBACK');
        throw err;
      }
    },
    backup: (file) => backupRecords(db, file),
    close: () => {
      if (db.isOpen) db.close();
    },
  };
}

/**
 * Copies the live database to `file` with SQLite's online backup API. Refuses to overwrite a file, so
 * a typo cannot replace an older backup. Returns the pages copied. The copy is a complete database
 * (its own WAL folded in): open it, or put it in place of records.db while the console is stopped.
 */
export async function backupRecords(db: DatabaseSync, file: string): Promise<number> {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  try {
    // Created first, exclusively and 0600 (it holds password hashes); SQLite then writes into it.
    closeSync(openSync(file, 'wx', 0o600));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST')
      throw new RecordsError('RECORDS_BACKUP_EXISTS', `${file} already exists`, 'choose a new file name');
    throw err;
  }
  return backup(db, file, { rate: 256 });
}
