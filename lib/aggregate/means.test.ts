import { describe, expect, it } from 'vitest';
import { MIN_COVERAGE, meetsCoverage } from './coverage.ts';
import { dailyMeans, hourlyMeans, monthlyMeans } from './means.ts';
import { AggregateRangeError, type Point } from './points.ts';

const H = 3_600_000;
const MIN = 60_000;
/** WIB midnight, 1 December 2026 (17:00 UTC the day before). */
const DAY0 = Date.parse('2026-12-01T00:00:00+07:00');
const SPIKE = 7; // any non-zero code

/** `n` readings a minute apart from `start`, value `value(i)`, code `code(i)`. */
const minutes = (start: number, n: number, value: (i: number) => number, code?: (i: number) => number) =>
  Array.from({ length: n }, (_, i): Point => [start + i * MIN, value(i), code?.(i) ?? 0]);

describe('the 75 % rule', () => {
  it('is one setting, three quarters, met at exactly 75 %', () => {
    expect(MIN_COVERAGE).toBe(0.75);
    expect(meetsCoverage(45, 60)).toBe(true);
    expect(meetsCoverage(44, 60)).toBe(false);
    expect(meetsCoverage(18, 24)).toBe(true);
    expect(meetsCoverage(17, 24)).toBe(false);
    expect(meetsCoverage(0, 0)).toBe(false);
  });
});

describe('hourly means', () => {
  const hour = { intervalS: 60, from: DAY0, to: DAY0 + H };

  it('leave out values flagged invalid, nulls and copies of a reading', () => {
    const points: Point[] = [
      ...minutes(
        DAY0,
        60,
        (i) => (i < 10 ? 500 : 20),
        (i) => (i < 10 ? SPIKE : 0),
      ),
      [DAY0 + 30 * MIN, 20, 0], // a redelivered copy stored again: the same reading
      [DAY0 + 90_000, null, null], // a row without this field
    ];
    const [row] = hourlyMeans(points.reverse(), hour);
    expect(row).toEqual({ start: DAY0, end: DAY0 + H, mean: 20, count: 50, expected: 60, coverage: 50 / 60 });
  });

  it('a missing validity code is valid', () => {
    const points: Point[] = Array.from({ length: 60 }, (_, i) => [DAY0 + i * MIN, i < 30 ? 10 : 30]);
    expect(hourlyMeans(points, hour)[0]?.mean).toBe(20);
  });

  it('count with 45 of 60 expected readings, not with 44', () => {
    expect(
      hourlyMeans(
        minutes(DAY0, 45, () => 12),
        hour,
      )[0],
    ).toMatchObject({ mean: 12, count: 45 });
    expect(
      hourlyMeans(
        minutes(DAY0, 44, () => 12),
        hour,
      )[0],
    ).toMatchObject({ mean: null, count: 44 });
    // 46 readings, one invalid: 45 valid still make the hour.
    const flagged = minutes(
      DAY0,
      46,
      (i) => (i === 0 ? 999 : 12),
      (i) => (i === 0 ? SPIKE : 0),
    );
    expect(hourlyMeans(flagged, hour)[0]).toMatchObject({ mean: 12, count: 45 });
    const oneShort = minutes(
      DAY0,
      45,
      (i) => (i === 0 ? 999 : 12),
      (i) => (i === 0 ? SPIKE : 0),
    );
    expect(hourlyMeans(oneShort, hour)[0]?.mean).toBeNull();
  });

  it('take the share of what the interval promises, even when it does not divide the hour', () => {
    // 7 s: 514.29 expected, 75 % = 385.71, so 386 readings make the hour and 385 do not.
    const every7s = (n: number): Point[] => Array.from({ length: n }, (_, i) => [DAY0 + i * 7000, 3, 0]);
    const seven = { ...hour, intervalS: 7 };
    expect(hourlyMeans(every7s(386), seven)[0]?.mean).toBe(3);
    expect(hourlyMeans(every7s(385), seven)[0]?.mean).toBeNull();
  });

  it('a stricter share can be asked for', () => {
    const points = minutes(DAY0, 50, () => 5);
    expect(hourlyMeans(points, hour)[0]?.mean).toBe(5);
    expect(hourlyMeans(points, { ...hour, minCoverage: 0.9 })[0]?.mean).toBeNull();
  });
});

/** A WIB day whose hours `h` have readings `value(h)` (60 a minute apart) or none (`undefined`). */
function day(start: number, value: (h: number) => number | undefined): Point[] {
  return Array.from({ length: 24 }, (_, h) => h).flatMap((h) => {
    const v = value(h);
    return v === undefined ? [] : minutes(start + h * H, 60, () => v);
  });
}

describe('daily means', () => {
  const opts = { intervalS: 60, from: DAY0, to: DAY0 + 24 * H };

  it('are the mean of the hourly means of a WIB day, with 18 of 24 hours', () => {
    const points = day(DAY0, (h) => (h < 18 ? h : undefined));
    const [row] = dailyMeans(points, opts);
    expect(row).toMatchObject({ start: DAY0, end: DAY0 + 24 * H, count: 18, expected: 24 });
    expect(row?.mean).toBeCloseTo(8.5, 10); // mean of 0..17
    expect(
      dailyMeans(
        day(DAY0, (h) => (h < 17 ? h : undefined)),
        opts,
      )[0]?.mean,
    ).toBeNull();
  });

  it('an hour short of its 75 % does not count as an hour of the day', () => {
    // 18 hours of data, but one of them has only 44 readings: 17 hours, no daily mean.
    const points = day(DAY0, (h) => (h < 18 ? 10 : undefined)).filter(
      ([ts]) => !(ts >= DAY0 + 5 * H && ts < DAY0 + 5 * H + 16 * MIN),
    );
    const [row] = dailyMeans(points, opts);
    expect(row).toMatchObject({ count: 17, mean: null });
  });

  it('a whole day of invalid values has no mean', () => {
    const points = day(DAY0, () => 40).map(([ts, v]): Point => [ts, v, SPIKE]);
    expect(dailyMeans(points, opts)[0]).toMatchObject({ count: 0, mean: null });
  });

  it('start at WIB midnight: 16:59 UTC is the day before, 17:00 UTC the day', () => {
    const points: Point[] = [...day(DAY0, () => 10), ...day(DAY0 + 24 * H, () => 30)];
    const rows = dailyMeans(points, { intervalS: 60, from: DAY0 - 24 * H, to: DAY0 + 48 * H });
    expect(rows.map((r) => [new Date(r.start).toISOString(), r.mean])).toEqual([
      ['2026-11-29T17:00:00.000Z', null],
      ['2026-11-30T17:00:00.000Z', 10],
      ['2026-12-01T17:00:00.000Z', 30],
    ]);
  });
});

describe('monthly means', () => {
  it('are the mean of the daily means of a WIB month, with 75 % of its days', () => {
    const nov = Date.parse('2026-11-01T00:00:00+07:00'); // 30 days: 22.5 needed, so 23
    const days = (n: number) => Array.from({ length: n }, (_, d) => day(nov + d * 24 * H, () => d)).flat();
    const opts = { intervalS: 60, from: nov, to: DAY0 };
    const [row] = monthlyMeans(days(23), opts);
    expect(row).toMatchObject({ start: nov, end: DAY0, count: 23, expected: 30 });
    expect(row?.mean).toBeCloseTo(11, 10); // mean of 0..22
    expect(monthlyMeans(days(22), opts)[0]).toMatchObject({ count: 22, mean: null });
  });
});

describe('bad ranges', () => {
  it('are refused with a reason', () => {
    expect(() => hourlyMeans([], { intervalS: 60, from: DAY0, to: DAY0 })).toThrow(AggregateRangeError);
    expect(() => hourlyMeans([], { intervalS: 60, from: DAY0, to: Number.NaN })).toThrow(/not finite/);
    expect(() => hourlyMeans([], { intervalS: 0, from: DAY0, to: DAY0 + H })).toThrow(/interval/);
    expect(() => dailyMeans([], { intervalS: 60, from: 0, to: 4e11 })).toThrow(/ten years/);
  });
});
