import { existsSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openRecords, type Records } from '../records/database.ts';
import type { NewWindow } from '../records/maintenance.ts';
import { watchWindowSource } from './window-source.ts';

const H = 3_600_000;
const DAY = 24 * H;
const T0 = Date.parse('2026-12-01T09:00:00+07:00');
const window = (over: Partial<NewWindow> = {}): NewWindow => ({
  station: 'aq-beji-01',
  kind: 'air_quality',
  fields: null,
  type: 'calibration',
  origin: 'planned',
  start_at: T0,
  end_at: T0 + 2 * H,
  rrule: null,
  duration_ms: null,
  who: 'Budi',
  notes: '',
  created_by: 'ops',
  ...over,
});

describe('the ingest view of maintenance windows (lib/qa/window-source.ts)', () => {
  let dir: string;
  let path: string;
  let records: Records | undefined;
  let now: number;
  const sources: { close(): void }[] = [];
  const source = (extra: { onProblem?: (m: string) => void } = {}) => {
    const s = watchWindowSource(path, {
      lookbackMs: 30 * DAY,
      lookaheadMs: DAY,
      checkMs: 3_600_000, // the tests call refresh() themselves
      clock: () => now,
      ...extra,
    });
    sources.push(s);
    return s;
  };
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'window-source-'));
    path = join(dir, 'records.db');
    now = T0 + H;
  });
  afterEach(async () => {
    for (const s of sources.splice(0)) s.close();
    records?.close();
    records = undefined;
    await rm(dir, { recursive: true, force: true });
  });

  it('answers from the windows: inside, outside, another station, another field', () => {
    records = openRecords(path);
    records.maintenance.insert(window());
    records.maintenance.insert(window({ station: 'aq-cinere-01', fields: ['pm25'] }));
    const s = source();
    expect(s.windows).toHaveLength(2);
    expect(s.inWindow('aq-beji-01', 'pm10', T0)).toBe(true);
    expect(s.inWindow('aq-beji-01', 'pm10', T0 + 2 * H - 1)).toBe(true);
    expect(s.inWindow('aq-beji-01', 'pm10', T0 + 2 * H)).toBe(false); // end exclusive
    expect(s.inWindow('aq-beji-01', 'pm10', T0 - 1)).toBe(false);
    expect(s.inWindow('aq-cinere-01', 'pm25', T0)).toBe(true);
    expect(s.inWindow('aq-cinere-01', 'pm10', T0)).toBe(false);
    expect(s.inWindow('aq-depok-01', 'pm25', T0)).toBe(false);
  });

  it('is a cache: a new window is seen at the next check, and an unchanged file is not read again', () => {
    records = openRecords(path);
    const s = source();
    expect(s.windows).toHaveLength(0);
    records.maintenance.insert(window());
    // Until the check, the cached answer (a reading never queries the database).
    expect(s.inWindow('aq-beji-01', 'pm25', T0)).toBe(false);
    expect(s.refresh()).toBe(true);
    expect(s.inWindow('aq-beji-01', 'pm25', T0)).toBe(true);
    expect(s.refresh()).toBe(false);
    // An ended window is seen ended.
    records.maintenance.update(1, { end_at: T0 + 10 * 60_000 });
    expect(s.refresh()).toBe(true);
    expect(s.inWindow('aq-beji-01', 'pm25', T0 + 20 * 60_000)).toBe(false);
  });

  it('lists windows ahead of time only a day ahead, and reads again as the clock moves', () => {
    records = openRecords(path);
    records.maintenance.insert(window({ start_at: T0 + 3 * DAY, end_at: T0 + 3 * DAY + H }));
    const s = source();
    expect(s.windows).toHaveLength(0);
    now = T0 + 2.5 * DAY; // past the maximum age: read again even though the file is unchanged
    expect(s.refresh()).toBe(true);
    expect(s.inWindow('aq-beji-01', 'pm25', T0 + 3 * DAY)).toBe(true);
  });

  it('never creates a missing database, and picks it up once it exists', () => {
    const s = source();
    expect(s.windows).toHaveLength(0);
    expect(existsSync(path)).toBe(false);
    records = openRecords(path);
    records.maintenance.insert(window());
    expect(s.refresh()).toBe(true);
    expect(s.inWindow('aq-beji-01', 'pm25', T0)).toBe(true);
  });

  it('runs no migration: a database without the tables is reported once, left as it was', () => {
    writeFileSync(path, ''); // an empty SQLite database: no tables
    const problems: string[] = [];
    const s = source({ onProblem: (m) => problems.push(m) });
    expect(s.refresh()).toBe(false);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/unreadable, keeping 0 maintenance windows/);
    const db = new DatabaseSync(path, { readOnly: true });
    expect(db.prepare('SELECT count(*) AS n FROM sqlite_master').get()).toEqual({ n: 0 });
    db.close();
  });

  it('keeps the previous windows when the file turns unreadable', () => {
    records = openRecords(path);
    records.maintenance.insert(window());
    const s = source({ onProblem: () => {} });
    expect(s.windows).toHaveLength(1);
    records.db.exec('DROP TABLE calibrations');
    expect(s.refresh()).toBe(false);
    expect(s.inWindow('aq-beji-01', 'pm25', T0)).toBe(true);
  });
});
