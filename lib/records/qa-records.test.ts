import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { stateAt } from '../qa/states.ts';
import { isInWindow } from '../qa/windows.ts';
import { openRecords, type Records } from './database.ts';
import { type NewWindow, toWindow } from './maintenance.ts';
import { loadMigrations, migrate } from './migrate.ts';
import { toDecision } from './validations.ts';

const H = 3_600_000;
const T0 = Date.parse('2026-12-01T09:00:00+07:00');
const window = (over: Partial<NewWindow> = {}): NewWindow => ({
  station: 'aq-beji-01',
  kind: 'air_quality',
  fields: null,
  type: 'maintenance',
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

describe('maintenance and validation repositories (issue 15)', () => {
  let dir: string;
  let records: Records;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'records-qa-'));
    records = openRecords(join(dir, 'records.db'));
  });
  afterEach(async () => {
    records.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('stores windows, lists them by station, type and overlap, and edits and ends them', () => {
    const a = records.maintenance.insert(window(), 1000);
    const b = records.maintenance.insert(
      window({ station: 'ww-tapos-01', kind: 'wastewater', type: 'production_stopped', end_at: null }),
    );
    const c = records.maintenance.insert(
      window({
        fields: ['pm25'],
        start_at: T0 + 24 * H,
        end_at: null,
        rrule: 'FREQ=WEEKLY;BYDAY=WE',
        duration_ms: H,
      }),
    );
    expect(a).toMatchObject({ id: 1, fields: null, end_at: T0 + 2 * H, created_at: 1000, updated_at: 1000 });
    expect(records.maintenance.list({ station: 'aq-beji-01' }).map((w) => w.id)).toEqual([c.id, a.id]);
    expect(records.maintenance.list({ type: 'production_stopped' }).map((w) => w.id)).toEqual([b.id]);
    expect(records.maintenance.list({ stations: ['ww-tapos-01'] }).map((w) => w.id)).toEqual([b.id]);
    // Overlap with [T0 + 3h, T0 + 4h): a ended at T0 + 2h; b and c are open (c starts later).
    expect(records.maintenance.list({ from: T0 + 3 * H, to: T0 + 4 * H }).map((w) => w.id)).toEqual([b.id]);
    expect(records.maintenance.list({ from: T0 + 3 * H, to: T0 + 30 * H }).map((w) => w.id)).toEqual([
      c.id,
      b.id,
    ]);

    const edited = records.maintenance.update(a.id, { notes: 'filter changed', end_at: T0 + 3 * H }, 2000);
    expect(edited).toMatchObject({
      notes: 'filter changed',
      end_at: T0 + 3 * H,
      who: 'Budi',
      updated_at: 2000,
    });
    expect(records.maintenance.update(99, { notes: 'x' })).toBeUndefined();
    const ended = records.maintenance.update(b.id, { end_at: T0 + 5 * H });
    expect(ended?.end_at).toBe(T0 + 5 * H);

    // The pure module reads the records as they are stored.
    const windows = records.maintenance.list().map(toWindow);
    expect(isInWindow(windows, 'aq-beji-01', 'pm25', T0 + 24 * H + 7 * 24 * H + 1)).toBe(true);
    expect(isInWindow(windows, 'ww-tapos-01', 'cod', T0 + 5 * H)).toBe(false);
  });

  it('refuses in the schema what the code refuses too: an end before the start, an unknown type', () => {
    expect(() => records.maintenance.insert(window({ end_at: T0 }))).toThrow(/CHECK constraint/);
    expect(() => records.maintenance.insert(window({ type: 'picnic' as 'maintenance' }))).toThrow(/CHECK/);
    expect(() => records.maintenance.insert(window({ rrule: 'FREQ=DAILY' }))).toThrow(/CHECK/);
    expect(() => records.maintenance.insert(window({ fields: [] }))).toThrow(/CHECK/);
    expect(records.maintenance.list()).toEqual([]);
  });

  it('keeps calibration results with their window', () => {
    const w = records.maintenance.insert(window({ type: 'calibration', fields: ['so2'], origin: 'logged' }));
    const result = {
      field: 'so2',
      zero_reading: 0.4,
      span_reading: 96.8,
      span_target: 100,
      offset_applied: -0.4,
      reference: 'SO2 100 ppb cylinder, cert. 2026-117',
    };
    expect(records.maintenance.addCalibration(w.id, result)?.calibration).toEqual(result);
    expect(records.maintenance.list({ calibrations: true }).map((x) => x.id)).toEqual([w.id]);
    records.maintenance.insert(window());
    expect(records.maintenance.list({ calibrations: true })).toHaveLength(1);
    expect(() => records.maintenance.addCalibration(w.id, result)).toThrow(/UNIQUE|PRIMARY/);
    expect(() => records.maintenance.addCalibration(99, result)).toThrow(/FOREIGN KEY/);
  });

  it('appends decisions, lists them by field and overlap, and never edits or deletes one', () => {
    const base = {
      station: 'aq-beji-01',
      kind: 'air_quality',
      points: 24,
      decided_by: 'vali',
      via: 'session' as const,
    };
    const d1 = records.validations.insert(
      { ...base, fields: ['pm25', 'pm10'], from_at: T0, to_at: T0 + 24 * H, decision: 'valid', reason: null },
      5000,
    );
    const d2 = records.validations.insert({
      ...base,
      fields: ['pm25'],
      from_at: T0 + 6 * H,
      to_at: T0 + 9 * H,
      decision: 'invalid',
      reason: 'inlet blocked',
    });
    expect(d1).toMatchObject({ id: 1, fields: ['pm25', 'pm10'], decided_at: 5000 });
    expect(records.validations.list({ field: 'pm10' }).map((d) => d.id)).toEqual([d1.id]);
    expect(
      records.validations.list({ station: 'aq-beji-01', from: T0 + 10 * H, to: T0 + 11 * H }),
    ).toHaveLength(1);
    expect(records.validations.list({ newestFirst: true, limit: 1 }).map((d) => d.id)).toEqual([d2.id]);
    const decisions = records.validations.list({ station: 'aq-beji-01' }).map(toDecision);
    expect(stateAt(decisions, 'aq-beji-01', 'pm25', T0 + 7 * H)).toMatchObject({ state: 'invalid' });
    expect(stateAt(decisions, 'aq-beji-01', 'pm10', T0 + 7 * H)).toMatchObject({ state: 'validated' });

    expect(() => records.db.prepare("UPDATE validations SET decision = 'valid'").run()).toThrow(
      /append only/,
    );
    expect(() => records.db.prepare('DELETE FROM validations').run()).toThrow(/append only/);
    expect(() =>
      records.validations.insert({
        ...base,
        fields: ['pm25'],
        from_at: T0,
        to_at: T0 + H,
        decision: 'invalid',
        reason: ' ',
      }),
    ).toThrow(/CHECK/);
    expect(records.validations.list()).toHaveLength(2);
  });

  it('migrates a database of schema 2 with its users and audit rows to 4', () => {
    const path = join(dir, 'old.db');
    const old = new DatabaseSync(path);
    migrate(old, loadMigrations().slice(0, 2));
    old
      .prepare(
        `INSERT INTO audit (at, actor, via, action, target) VALUES (1, 'siti', 'cli', 'login', 'siti')`,
      )
      .run();
    old.close();
    const upgraded = openRecords(path);
    try {
      // Later migrations (005 report runs, ...) follow; this test is about 3 and 4.
      expect(upgraded.applied.slice(0, 2)).toEqual([3, 4]);
      expect(upgraded.audit.page({}, 10).entries).toHaveLength(1);
      expect(upgraded.maintenance.insert(window()).id).toBe(1);
    } finally {
      upgraded.close();
    }
  });
});
