import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../lib/log.ts';
import { openRecords, type Records } from '../lib/records/database.ts';
import type { NewRun } from '../lib/records/report-runs.ts';
import { type PruneDeps, pruneReports } from './retention.ts';

const DAY = 86_400_000;
const NOW = Date.parse('2026-12-01T16:05:00+07:00');
const SHA = 'd'.repeat(64);

describe('retention of the reports folder', () => {
  let base: string;
  let dir: string;
  let records: Records;
  let audited: { id: number; action: string; after: unknown }[];
  beforeEach(async () => {
    base = await mkdtemp(join(tmpdir(), 'reports-retention-'));
    dir = join(base, 'reports');
    await mkdir(join(dir, '2026'), { recursive: true });
    records = openRecords(join(base, 'records.db'));
    audited = [];
  });
  afterEach(async () => {
    records.close();
    await rm(base, { recursive: true, force: true });
  });

  const run = (over: Partial<NewRun> = {}): NewRun => ({
    type: 'ispu-daily',
    period: '2026-11-01',
    stations: [],
    lang: 'id',
    formats: ['pdf', 'csv'],
    requested_by: 'schedule',
    via: 'schedule',
    started_at: NOW - 40 * DAY,
    ...over,
  });
  /** A done run finished `age` ms before NOW, with its two files written under `folder`. */
  const doneRun = async (age: number, folder = '2026') => {
    const id = records.reportRuns.start(run());
    const files = [];
    for (const format of ['pdf', 'csv']) {
      const path = `${folder}/${id}-ispu-daily.${format}`;
      await writeFile(join(dir, path), `${format} ${id}`);
      files.push({ format, path, bytes: 5, sha256: SHA });
    }
    records.reportRuns.done(id, NOW - age, ['AQ-01'], files);
    return id;
  };
  const deps = (days: number): PruneDeps => ({
    records,
    dir,
    days,
    now: () => NOW,
    log: silentLogger(),
    audit: (id, action, after) => audited.push({ id, action, after }),
  });

  it('deletes the files of done runs older than the limit, keeps their rows and checksums', async () => {
    const old = await doneRun(31 * DAY);
    const recent = await doneRun(29 * DAY);
    const running = records.reportRuns.start(run()); // started 40 days ago, still running
    const mailing = await doneRun(35 * DAY);
    records.reportMail.queue(mailing, ['kepala@dlhk.local'], NOW); // its retry attaches the files

    expect(await pruneReports(deps(30))).toEqual({ pruned: [old], refused: [] });
    expect(existsSync(join(dir, `2026/${old}-ispu-daily.pdf`))).toBe(false);
    expect(existsSync(join(dir, `2026/${old}-ispu-daily.csv`))).toBe(false);
    for (const kept of [recent, mailing])
      expect(existsSync(join(dir, `2026/${kept}-ispu-daily.pdf`))).toBe(true);
    expect(records.reportRuns.get(old)).toMatchObject({ status: 'done', pruned_at: NOW });
    expect(records.reportRuns.get(old)?.files.map((f) => f.sha256)).toEqual([SHA, SHA]);
    expect(records.reportRuns.get(running)).toMatchObject({ status: 'running', pruned_at: null });
    expect(audited).toEqual([
      {
        id: old,
        action: 'report_pruned',
        after: {
          retention_days: 30,
          files: [
            { path: `2026/${old}-ispu-daily.pdf`, sha256: SHA },
            { path: `2026/${old}-ispu-daily.csv`, sha256: SHA },
          ],
        },
      },
    ]);
    // A second pass finds nothing more to do.
    expect(await pruneReports(deps(30))).toEqual({ pruned: [], refused: [] });
  });

  it('keeps everything with 0 days', async () => {
    const old = await doneRun(3000 * DAY);
    expect(await pruneReports(deps(0))).toEqual({ pruned: [], refused: [] });
    expect(existsSync(join(dir, `2026/${old}-ispu-daily.pdf`))).toBe(true);
    expect(records.reportRuns.get(old)?.pruned_at).toBeNull();
  });

  it('never deletes a file outside the reports folder, even through a symbolic link', async () => {
    const outside = join(base, 'elsewhere');
    await mkdir(outside);
    await symlink(outside, join(dir, '2025'));
    const id = await doneRun(60 * DAY, '2025'); // its files are really in `elsewhere`
    expect(await pruneReports(deps(30))).toEqual({ pruned: [], refused: [id] });
    expect(existsSync(join(outside, `${id}-ispu-daily.pdf`))).toBe(true);
    expect(records.reportRuns.get(id)?.pruned_at).toBeNull();
    expect(audited).toEqual([]);
  });

  it('marks a run pruned whose files were already removed by hand', async () => {
    const id = await doneRun(31 * DAY);
    await rm(join(dir, `2026/${id}-ispu-daily.pdf`));
    expect(await pruneReports(deps(30))).toEqual({ pruned: [id], refused: [] });
  });
});
