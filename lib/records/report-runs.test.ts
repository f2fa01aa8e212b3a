import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openRecords, type Records } from './database.ts';
import { loadMigrations, migrate } from './migrate.ts';
import type { NewRun } from './report-runs.ts';

const SHA = 'a'.repeat(64);
const run = (over: Partial<NewRun> = {}): NewRun => ({
  type: 'ispu-daily',
  period: '2026-12-01',
  stations: [],
  lang: 'id',
  formats: ['pdf', 'csv'],
  requested_by: 'siti',
  via: 'console',
  started_at: 1000,
  ...over,
});

describe('report runs repository', () => {
  let records: Records;
  beforeEach(() => {
    records = openRecords(':memory:');
  });
  afterEach(() => records.close());

  it('records a run from running to done with its files and the stations it covered', () => {
    const id = records.reportRuns.start(run());
    expect(records.reportRuns.get(id)).toMatchObject({ status: 'running', finished_at: null, files: [] });
    expect(records.reportRuns.running('siti').map((r) => r.id)).toEqual([id]);
    const files = [
      { format: 'pdf', path: '2026/ispu-daily-2026-12-01.pdf', bytes: 1234, sha256: SHA },
      { format: 'csv', path: '2026/ispu-daily-2026-12-01.csv', bytes: 56, sha256: 'b'.repeat(64) },
    ];
    expect(records.reportRuns.done(id, 2000, ['AQ-01', 'AQ-02'], files)).toBe(true);
    const done = records.reportRuns.get(id);
    expect(done).toMatchObject({ status: 'done', finished_at: 2000, stations: ['AQ-01', 'AQ-02'], files });
    expect(records.reportRuns.running('siti')).toEqual([]);
    // A run ends once: a late failure report does not overwrite it.
    expect(records.reportRuns.failed(id, 3000, 'late')).toBe(false);
    expect(records.reportRuns.get(id)?.status).toBe('done');
  });

  it('records a failure with its message and keeps the requested stations', () => {
    const id = records.reportRuns.start(run({ stations: ['AQ-03'] }));
    expect(records.reportRuns.failed(id, 1500, 'InfluxDB answered 503')).toBe(true);
    expect(records.reportRuns.get(id)).toMatchObject({
      status: 'failed',
      message: 'InfluxDB answered 503',
      stations: ['AQ-03'],
      files: [],
    });
    expect(records.reportRuns.done(id, 1600, [], [])).toBe(false);
  });

  it('refuses a file path that leaves the reports folder, and stores nothing of that run end', () => {
    const id = records.reportRuns.start(run());
    const bad = { format: 'pdf', path: '../../etc/passwd', bytes: 1, sha256: SHA };
    expect(() => records.reportRuns.done(id, 2000, ['AQ-01'], [bad])).toThrow(/CHECK/);
    expect(records.reportRuns.get(id)).toMatchObject({ status: 'running', stations: [], files: [] });
  });

  it('refuses an unknown via and an empty format list', () => {
    expect(() => records.reportRuns.start(run({ via: 'email' as never }))).toThrow(/CHECK/);
    expect(() => records.reportRuns.start(run({ formats: [] }))).toThrow(/CHECK/);
    expect(records.reportRuns.list()).toEqual([]);
  });

  it('finds the scheduled run of a period, lists newest first with a cursor, and abandons runs left running', () => {
    const a = records.reportRuns.start(run({ via: 'schedule', requested_by: 'schedule' }));
    const b = records.reportRuns.start(run({ period: '2026-12-02' }));
    const c = records.reportRuns.start(run({ type: 'air-monthly', period: '2026-11', via: 'schedule' }));
    expect(records.reportRuns.scheduled('ispu-daily', '2026-12-01')?.id).toBe(a);
    expect(records.reportRuns.scheduled('ispu-daily', '2026-12-02')).toBeUndefined();
    expect(records.reportRuns.list().map((r) => r.id)).toEqual([c, b, a]);
    expect(records.reportRuns.list({ cursor: c, limit: 1 }).map((r) => r.id)).toEqual([b]);
    expect(records.reportRuns.abandon(5000, 'the service stopped during the run', ['schedule'])).toBe(2);
    expect(records.reportRuns.get(b)?.status).toBe('running');
    expect(records.reportRuns.get(c)).toMatchObject({ status: 'failed', finished_at: 5000 });
  });
});

describe('migration 005', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'report-runs-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('upgrades a schema 4 database and keeps its rows', () => {
    const path = join(dir, 'records.db');
    const old = new DatabaseSync(path);
    migrate(old, loadMigrations().slice(0, 4));
    old
      .prepare(
        `INSERT INTO users (username, password_hash, roles, language, stamp, created_at, updated_at)
         VALUES ('siti', 'scrypt$old', '["admin"]', 'id', 's', 0, 0)`,
      )
      .run();
    old.close();
    const upgraded = openRecords(path);
    expect(upgraded.applied).toContain(5);
    expect(upgraded.users.get('siti')?.password_hash).toBe('scrypt$old');
    const id = upgraded.reportRuns.start(run());
    expect(upgraded.reportRuns.get(id)?.status).toBe('running');
    upgraded.close();
  });
});
