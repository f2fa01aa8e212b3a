import { describe, expect, it } from 'vitest';
import { parseRrule, type Recurrence } from './recurrence.ts';
import { DAY_MS } from './time.ts';
import {
  coveredMs,
  isInWindow,
  type MaintenanceWindow,
  maintenanceLookup,
  windowsAt,
  windowsCovering,
} from './windows.ts';

const H = 3_600_000;
const T0 = Date.parse('2026-12-01T09:00:00+07:00'); // a Tuesday in Depok
const weekly = (text: string): Recurrence => {
  const parsed = parseRrule(text);
  if (!parsed.ok) throw new Error(parsed.problem);
  return parsed.value;
};
const w = (over: Partial<MaintenanceWindow> & { id: number }): MaintenanceWindow => ({
  station: 'aq-beji-01',
  fields: null,
  type: 'maintenance',
  start: T0,
  end: T0 + 2 * H,
  ...over,
});

describe('windows covering a station and field', () => {
  const windows = [
    w({ id: 1 }), // whole station, 09:00-11:00 WIB
    w({ id: 2, fields: ['so2'], type: 'calibration', start: T0 + H, end: T0 + 90 * 60_000 }),
    w({ id: 3, station: 'ww-tapos-01', type: 'production_stopped', start: T0, end: null }),
    w({
      id: 4,
      fields: ['pm25'],
      start: T0 + DAY_MS, // Wednesday 09:00 WIB, weekly, 1 h
      end: null,
      recurrence: { rule: weekly('FREQ=WEEKLY;BYDAY=WE'), durationMs: H },
    }),
  ];

  it('lists each occurrence in the range, whole-station windows for every field', () => {
    const got = windowsCovering(windows, {
      station: 'aq-beji-01',
      field: 'pm25',
      from: T0,
      to: T0 + 15 * DAY_MS,
    });
    // Wednesday + 14 days starts exactly at `to`: not in the range.
    expect(got.map((o) => [o.window.id, (o.start - T0) / H])).toEqual([
      [1, 0],
      [4, 24],
      [4, 24 * 8],
    ]);
    const so2 = windowsCovering(windows, { station: 'aq-beji-01', field: 'so2', from: T0, to: T0 + DAY_MS });
    expect(so2.map((o) => o.window.id)).toEqual([1, 2]);
    // No field: every window of the station, whatever its fields.
    const any = windowsCovering(windows, { station: 'aq-beji-01', from: T0, to: T0 + 2 * DAY_MS });
    expect(any.map((o) => o.window.id)).toEqual([1, 2, 4]);
  });

  it('answers "in a window at t" at the edges: start inclusive, end exclusive', () => {
    expect(isInWindow(windows, 'aq-beji-01', 'pm10', T0)).toBe(true);
    expect(isInWindow(windows, 'aq-beji-01', 'pm10', T0 + 2 * H - 1)).toBe(true);
    expect(isInWindow(windows, 'aq-beji-01', 'pm10', T0 + 2 * H)).toBe(false);
    expect(isInWindow(windows, 'aq-beji-01', 'pm10', T0 - 1)).toBe(false);
    expect(windowsAt(windows, 'aq-beji-01', 'so2', T0 + H).map((o) => o.window.id)).toEqual([1, 2]);
  });

  it('an open window covers from its start until it is ended', () => {
    expect(isInWindow(windows, 'ww-tapos-01', 'cod', T0 + 365 * DAY_MS)).toBe(true);
    const ended = windows.map((x) => (x.id === 3 ? { ...x, end: T0 + 5 * H } : x));
    expect(isInWindow(ended, 'ww-tapos-01', 'cod', T0 + 5 * H - 1)).toBe(true);
    expect(isInWindow(ended, 'ww-tapos-01', 'cod', T0 + 5 * H)).toBe(false);
  });

  it('a recurring window: its occurrences only, and ending the series stops them (one cut short)', () => {
    const wed = T0 + DAY_MS;
    expect(isInWindow(windows, 'aq-beji-01', 'pm25', wed + 30 * 60_000)).toBe(true);
    expect(isInWindow(windows, 'aq-beji-01', 'pm25', wed + H)).toBe(false);
    expect(isInWindow(windows, 'aq-beji-01', 'pm25', wed + 7 * DAY_MS)).toBe(true);
    expect(isInWindow(windows, 'aq-beji-01', 'pm10', wed + 30 * 60_000)).toBe(false);
    const ended = windows.map((x) => (x.id === 4 ? { ...x, end: wed + 7 * DAY_MS + 30 * 60_000 } : x));
    expect(isInWindow(ended, 'aq-beji-01', 'pm25', wed + 7 * DAY_MS + 20 * 60_000)).toBe(true);
    expect(isInWindow(ended, 'aq-beji-01', 'pm25', wed + 7 * DAY_MS + 40 * 60_000)).toBe(false);
    expect(isInWindow(ended, 'aq-beji-01', 'pm25', wed + 14 * DAY_MS)).toBe(false);
    const cut = windowsCovering(ended, {
      station: 'aq-beji-01',
      field: 'pm25',
      from: wed,
      to: wed + 30 * DAY_MS,
    });
    expect(cut.map((o) => (o.end ?? 0) - o.start)).toEqual([H, 30 * 60_000]);
  });

  it('the lookup hook agrees with isInWindow, and capture exclusion counts overlaps once', () => {
    const inWindow = maintenanceLookup(windows);
    for (const t of [T0 - 1, T0, T0 + H, T0 + 2 * H, T0 + DAY_MS, T0 + DAY_MS + H, T0 + 8 * DAY_MS])
      for (const [station, field] of [
        ['aq-beji-01', 'so2'],
        ['aq-beji-01', 'pm25'],
        ['ww-tapos-01', 'ph'],
        ['wn-x', 'pressure'],
      ] as const)
        expect(inWindow(station, field, t), `${station}/${field} at ${t}`).toBe(
          isInWindow(windows, station, field, t),
        );
    // so2 on Tuesday: 09:00-11:00 (station) and 10:00-10:30 (calibration): 2 h, not 2.5 h.
    expect(coveredMs(windows, { station: 'aq-beji-01', field: 'so2', from: T0 - H, to: T0 + 12 * H })).toBe(
      2 * H,
    );
    expect(coveredMs(windows, { station: 'aq-beji-01', field: 'so2', from: T0 + H, to: T0 + 12 * H })).toBe(
      H,
    );
  });
});
