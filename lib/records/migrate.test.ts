import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openRecords } from './database.ts';
import { loadMigrations, migrate, schemaVersion } from './migrate.ts';

const tables = (db: DatabaseSync) =>
  (
    db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as {
      name: string;
    }[]
  )
    .map((t) => t.name)
    .filter((n) => !n.startsWith('sqlite_'));

describe('records migrations', () => {
  let dir: string;
  let path: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'records-'));
    path = join(dir, 'records.db');
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('creates a fresh database in WAL mode with every table, and a second open changes nothing', () => {
    const shipped = loadMigrations();
    expect(shipped.map((m) => m.version)).toEqual(shipped.map((_, i) => i + 1));
    const first = openRecords(path, { now: 1000 });
    expect(first.applied).toEqual(shipped.map((m) => m.version));
    expect(first.version).toBe(shipped.length);
    expect(tables(first.db)).toEqual([
      'audit',
      'calibrations',
      'citizen_report_events',
      'citizen_report_key',
      'citizen_report_photos',
      'citizen_reports',
      'maintenance_windows',
      'report_files',
      'report_mail',
      'report_runs',
      'schema_version',
      'tokens',
      'users',
      'validations',
    ]);
    expect((first.db.prepare('PRAGMA journal_mode').get() as { journal_mode: string }).journal_mode).toBe(
      'wal',
    );
    first.close();
    const again = openRecords(path);
    expect(again.applied).toEqual([]);
    expect(again.version).toBe(shipped.length);
    const rows = again.db.prepare('SELECT version, name, applied_at FROM schema_version').all();
    expect(rows).toEqual([
      { version: 1, name: 'users-and-tokens', applied_at: 1000 },
      { version: 2, name: 'audit', applied_at: 1000 },
      { version: 3, name: 'maintenance', applied_at: 1000 },
      { version: 4, name: 'validations', applied_at: 1000 },
      { version: 5, name: 'report-runs', applied_at: 1000 },
      { version: 6, name: 'citizen-reports', applied_at: 1000 },
      { version: 7, name: 'report-mail', applied_at: 1000 },
    ]);
    again.close();
  });

  it('upgrades a database of an older schema version and keeps its rows', () => {
    const [v1] = loadMigrations();
    if (!v1) throw new Error('no migration 1');
    // A database as the first release left it: schema 1, one user, no audit table.
    const old = new DatabaseSync(path);
    migrate(old, [v1]);
    expect(schemaVersion(old)).toBe(1);
    expect(tables(old)).not.toContain('audit');
    old
      .prepare(
        `INSERT INTO users (username, password_hash, roles, language, stamp, created_at, updated_at)
         VALUES ('siti', 'scrypt$old', '["admin"]', 'id', 's', 0, 0)`,
      )
      .run();
    old.close();

    const upgraded = openRecords(path);
    expect(upgraded.applied).toEqual([2, 3, 4, 5, 6, 7]);
    expect(upgraded.users.get('siti')?.password_hash).toBe('scrypt$old');
    upgraded.audit.append({ at: 1, actor: 'siti', via: 'cli', action: 'login', target: 'siti' });
    expect(upgraded.audit.page({}, 10).entries).toHaveLength(1);
    upgraded.close();
  });

  it('refuses a database newer than the code and leaves it untouched', () => {
    openRecords(path).close();
    const db = new DatabaseSync(path);
    db.prepare('INSERT INTO schema_version (version, name, applied_at) VALUES (99, ?, 0)').run(
      'from-the-future',
    );
    db.close();
    expect(() => openRecords(path)).toThrow(
      new RegExp(`schema version 99, this code knows up to ${loadMigrations().length}`),
    );
    const check = new DatabaseSync(path);
    expect(schemaVersion(check)).toBe(99);
    check.close();
  });

  it('rolls a failing migration back and keeps the last good version', () => {
    const db = new DatabaseSync(':memory:');
    const bad = [
      { version: 1, name: 'ok', sql: 'CREATE TABLE a (x INTEGER)' },
      { version: 2, name: 'broken', sql: 'CREATE TABLE b (y INTEGER); INSERT INTO nowhere VALUES (1)' },
    ];
    expect(() => migrate(db, bad)).toThrow(/no such table: nowhere/);
    expect(schemaVersion(db)).toBe(1);
    expect(tables(db)).toEqual(['a', 'schema_version']);
    db.close();
  });

  it('refuses a migration folder with a gap or a badly named file', async () => {
    await writeFile(join(dir, '001-first.sql'), 'SELECT 1');
    await writeFile(join(dir, '003-third.sql'), 'SELECT 1');
    expect(() => loadMigrations(dir)).toThrow(/migration 3 is out of sequence/);
    await writeFile(join(dir, '2-second.sql'), 'SELECT 1');
    expect(() => loadMigrations(dir)).toThrow(/bad migration file name 2-second.sql/);
  });
});
