import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { waitFor } from '../../lib/process/ports.ts';
import type { MaintenanceWindow } from '../../lib/qa/windows.ts';
import { openRecords } from '../../lib/records/database.ts';
import type { NewWindow } from '../../lib/records/maintenance.ts';
import { readWindows, watchRecords } from './records-watch.ts';

const H = 3_600_000;
const NOW = Date.parse('2026-12-01T09:00:00+07:00');
const visit = (over: Partial<NewWindow> = {}): NewWindow => ({
  station: 'aq-beji-01',
  kind: 'air_quality',
  fields: null,
  type: 'maintenance',
  origin: 'planned',
  start_at: NOW,
  end_at: NOW + 2 * H,
  rrule: null,
  duration_ms: null,
  who: 'Budi',
  notes: '',
  created_by: 'ops',
  ...over,
});

describe('the records database for the alert flows', () => {
  let dir: string;
  let path: string;
  const node = { warnings: [] as string[], logs: [] as string[] };
  const fake = { warn: (m: string) => node.warnings.push(m), log: (m: string) => node.logs.push(m) };
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'flows-records-'));
    path = join(dir, 'records.db');
    node.warnings = [];
    node.logs = [];
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads the windows near now, read-only, and none when there is no database', () => {
    expect(readWindows(path, NOW)).toBeUndefined();
    const records = openRecords(path);
    records.maintenance.insert(visit());
    records.maintenance.insert(
      visit({ station: 'old', start_at: NOW - 30 * 24 * H, end_at: NOW - 29 * 24 * H }),
    );
    records.maintenance.insert(visit({ station: 'next-month', start_at: NOW + 30 * 24 * H, end_at: null }));
    records.maintenance.insert(
      visit({
        station: 'weekly',
        fields: ['pm25'],
        start_at: NOW - 60 * 24 * H,
        end_at: null,
        rrule: 'FREQ=DAILY',
        duration_ms: H,
      }),
    );
    // Read while the console holds the database open (WAL): nothing waits, nothing is written.
    const windows = readWindows(path, NOW) as MaintenanceWindow[];
    expect(windows.map((w) => w.station).sort()).toEqual(['aq-beji-01', 'weekly']);
    expect(windows.find((w) => w.station === 'weekly')?.recurrence?.durationMs).toBe(H);
    expect(records.maintenance.list()).toHaveLength(4);
    records.close();
  });

  it('follows the file: created later, a window added, a broken file keeps the windows it had', async () => {
    const changes: MaintenanceWindow[][] = [];
    const watch = watchRecords(
      path,
      fake,
      (w) => changes.push(w),
      () => NOW,
    );
    try {
      expect(watch.windows).toEqual([]);
      expect(node.logs).toEqual([`records ${path} not found: no maintenance windows until it exists`]);
      const records = openRecords(path);
      records.maintenance.insert(visit());
      await waitFor(() => changes.length > 0, 5000, 'the window seen');
      expect(watch.windows.map((w) => [w.station, w.start, w.end])).toEqual([
        ['aq-beji-01', NOW, NOW + 2 * H],
      ]);
      records.maintenance.update(1, { end_at: NOW + H });
      await waitFor(() => watch.windows[0]?.end === NOW + H, 5000, 'the window ended early');
      records.close();

      await rm(`${path}-wal`, { force: true });
      await rm(`${path}-shm`, { force: true });
      await writeFile(path, 'not a database, but long enough to be looked at by SQLite '.repeat(100));
      await waitFor(() => node.warnings.length > 0, 5000, 'the broken file reported');
      expect(node.warnings[0]).toMatch(/unreadable, keeping 1 maintenance windows/);
      expect(watch.windows).toHaveLength(1);
    } finally {
      watch.close();
    }
  });
});
