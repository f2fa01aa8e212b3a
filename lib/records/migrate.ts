import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DatabaseSync } from 'node:sqlite';

export type Migration = { version: number; name: string; sql: string };

/** A records error that stops a service carries a code and a hint (STYLE: errors that stop a service). */
export class RecordsError extends Error {
  readonly code: string;
  readonly hint: string;

  constructor(code: string, message: string, hint: string) {
    super(`${message} (${hint})`);
    this.name = 'RecordsError';
    this.code = code;
    this.hint = hint;
  }
}

const MIGRATIONS_DIR = join(import.meta.dirname, 'migrations');
const FILE_NAME = /^(\d{3})-([a-z0-9-]+)\.sql$/;

/**
 * The shipped migrations, `migrations/NNN-name.sql`, in order. Numbers start at 1 and have no gaps, so
 * a missing or doubled file fails at start-up instead of leaving a database half way.
 */
export function loadMigrations(dir = MIGRATIONS_DIR): Migration[] {
  const migrations = readdirSync(dir)
    .filter((file) => file.endsWith('.sql'))
    .map((file) => {
      const match = FILE_NAME.exec(file);
      if (!match)
        throw new RecordsError('RECORDS_MIGRATION_NAME', `bad migration file name ${file}`, 'NNN-name.sql');
      return { version: Number(match[1]), name: match[2] ?? '', sql: readFileSync(join(dir, file), 'utf8') };
    })
    .sort((a, b) => a.version - b.version);
  migrations.forEach((m, i) => {
    if (m.version !== i + 1)
      throw new RecordsError(
        'RECORDS_MIGRATION_GAP',
        `migration ${m.version} is out of sequence`,
        `expected ${i + 1}`,
      );
  });
  return migrations;
}

export function schemaVersion(db: DatabaseSync): number {
  const row = db.prepare('SELECT max(version) AS version FROM schema_version').get() as
    | { version: number | null }
    | undefined;
  return row?.version ?? 0;
}

/**
 * Brings the database to the newest migration: each pending one runs in its own transaction with its
 * `schema_version` row, so a failure leaves the last good version. Runs under BEGIN IMMEDIATE, so two
 * processes opening a new database at once (the console and the users CLI) apply each migration once.
 * A database written by newer code (a version this code does not know) is refused, never touched.
 */
export function migrate(db: DatabaseSync, migrations: readonly Migration[], now = Date.now()): number[] {
  db.exec(
    'CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL) STRICT',
  );
  const latest = migrations.at(-1)?.version ?? 0;
  const applied: number[] = [];
  for (;;) {
    db.exec('BEGIN IMMEDIATE');
    try {
      const current = schemaVersion(db);
      if (current > latest)
        throw new RecordsError(
          'RECORDS_SCHEMA_TOO_NEW',
          `the records database is at schema version ${current}, this code knows up to ${latest}`,
          'it was written by a newer version: run that version, or restore a backup made for this one',
        );
      const next = migrations.find((m) => m.version === current + 1);
      if (!next) {
        db.exec('COMMIT');
        return applied;
      }
      db.exec(next.sql);
      db.prepare('INSERT INTO schema_version (version, name, applied_at) VALUES (?, ?, ?)').run(
        next.version,
        next.name,
        now,
      );
      db.exec('COMMIT');
      applied.push(next.version);
    } catch (err) {
      if (db.isTransaction) db.exec('ROLLBACK');
      throw err;
    }
  }
}
