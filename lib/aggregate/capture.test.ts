import { describe, expect, it } from 'vitest';
import { parseRrule } from '../qa/recurrence.ts';
import type { MaintenanceWindow } from '../qa/windows.ts';
import { gaussian, seededRandom } from '../random.ts';
import { type CaptureOptions, capture } from './capture.ts';
import type { Point } from './points.ts';

const H = 3_600_000;
const MIN = 60_000;
const DAY0 = Date.parse('2026-12-01T00:00:00+07:00');
const DAY = 24 * H;
const SPIKE = 7;

const base: CaptureOptions = {
  station: 'aq-beji-01',
  field: 'pm25',
  intervalS: 60,
  from: DAY0,
  to: DAY0 + DAY,
  period: 'day',
};
const window = (
  w: Partial<MaintenanceWindow> & Pick<MaintenanceWindow, 'start' | 'end'>,
): MaintenanceWindow => ({
  id: 1,
  station: 'aq-beji-01',
  fields: null,
  type: 'maintenance',
  ...w,
});
/** One reading a minute over `[from, to)`. */
const everyMinute = (from: number, to: number, code = 0): Point[] =>
  Array.from({ length: (to - from) / MIN }, (_, i) => [from + i * MIN, 12, code]);

describe('data capture', () => {
  it('a full day is 1440 of 1440 readings, 100 %', () => {
    expect(capture(everyMinute(DAY0, DAY0 + DAY), base)).toEqual([
      {
        start: DAY0,
        end: DAY0 + DAY,
        expected: 1440,
        received: 1440,
        valid: 1440,
        excluded: 0,
        capture: 100,
        sufficient: true,
      },
    ]);
  });

  it('leaves a maintenance window out of the denominator: a station off for 2 h still has 100 %', () => {
    const visit = window({ start: DAY0 + 9 * H, end: DAY0 + 11 * H });
    const points = [...everyMinute(DAY0, visit.start), ...everyMinute(visit.end as number, DAY0 + DAY)];
    const [row] = capture(points, { ...base, windows: [visit] });
    expect(row).toMatchObject({ expected: 1440, received: 1320, valid: 1320, excluded: 120, capture: 100 });
    // Without the record, those two hours are lost data.
    expect(capture(points, base)[0]?.capture).toBeCloseTo((1320 / 1440) * 100, 10);
  });

  it('never counts a value inside a window as valid, flagged by the ingest or not', () => {
    const visit = window({ start: DAY0 + 9 * H, end: DAY0 + 11 * H });
    for (const code of [0, SPIKE]) {
      const points = [
        ...everyMinute(DAY0, visit.start),
        ...everyMinute(visit.start, visit.end as number, code),
        ...everyMinute(visit.end as number, DAY0 + DAY),
      ];
      expect(capture(points, { ...base, windows: [visit] })[0]).toMatchObject({
        received: 1440,
        valid: 1320,
        excluded: 120,
        capture: 100,
      });
    }
  });

  it('counts values flagged invalid as received, not valid', () => {
    const points = everyMinute(DAY0, DAY0 + DAY).map(([ts, v], i): Point => [ts, v, i % 4 === 0 ? SPIKE : 0]);
    expect(capture(points, base)[0]).toMatchObject({
      received: 1440,
      valid: 1080,
      capture: 75,
      sufficient: true,
    });
    const worse = points.map(([ts, v, c], i): Point => [ts, v, i % 4 === 1 && i < 8 ? SPIKE : c]);
    expect(capture(worse, base)[0]).toMatchObject({ valid: 1078, sufficient: false });
  });

  it('a window on another field, or another station, excludes nothing', () => {
    const points = everyMinute(DAY0, DAY0 + DAY);
    const pm10 = window({ start: DAY0, end: DAY0 + 6 * H, fields: ['pm10'] });
    const other = window({ start: DAY0, end: DAY0 + 6 * H, station: 'aq-sawangan-01' });
    expect(capture(points, { ...base, windows: [pm10, other] })[0]).toMatchObject({
      excluded: 0,
      capture: 100,
    });
  });

  it('overlapping windows are excluded once; an open window runs to the end of the range', () => {
    const a = window({ id: 1, start: DAY0 + 1 * H, end: DAY0 + 3 * H });
    const b = window({
      id: 2,
      start: DAY0 + 2 * H,
      end: DAY0 + 4 * H,
      type: 'calibration',
      fields: ['pm25'],
    });
    const open = window({ id: 3, start: DAY0 + 20 * H, end: null, type: 'instrument_failure' });
    const points = everyMinute(DAY0, DAY0 + DAY);
    expect(capture(points, { ...base, windows: [a, b, open] })[0]).toMatchObject({
      excluded: 7 * 60,
      valid: 1440 - 7 * 60,
      capture: 100,
    });
  });

  it('a recurring window is excluded on each occurrence; a period all in a window has no capture', () => {
    const rule = parseRrule('FREQ=DAILY');
    if (!rule.ok) throw new Error('rule');
    const daily = window({ start: DAY0 + 2 * H, end: null, recurrence: { rule: rule.value, durationMs: H } });
    const rows = capture(everyMinute(DAY0, DAY0 + 2 * DAY), {
      ...base,
      to: DAY0 + 2 * DAY,
      windows: [daily],
    });
    expect(rows.map((r) => r.excluded)).toEqual([60, 60]);
    const hours = capture([], { ...base, period: 'hour', to: DAY0 + 4 * H, windows: [daily] });
    expect(hours.map((r) => r.capture)).toEqual([0, 0, null, 0]);
    expect(hours[2]).toMatchObject({ expected: 60, excluded: 60, sufficient: false });
  });

  it('is capped at 100 % for a sensor that reports faster than its interval', () => {
    const twice = Array.from({ length: 2880 }, (_, i): Point => [DAY0 + i * 30_000, 1, 0]);
    expect(capture(twice, base)[0]).toMatchObject({ received: 2880, valid: 2880, capture: 100 });
  });

  it('splits by hour, WIB day and WIB month', () => {
    const points = everyMinute(DAY0, DAY0 + 2 * H);
    expect(capture(points, { ...base, period: 'hour', to: DAY0 + 3 * H }).map((r) => r.capture)).toEqual([
      100, 100, 0,
    ]);
    const dec = capture(points, { ...base, period: 'month', to: Date.parse('2027-01-01T00:00:00+07:00') });
    expect(dec).toMatchObject([{ start: DAY0, expected: 31 * 1440, received: 120 }]);
  });
});

describe('capture over a simulated day with 20 % dropouts', () => {
  /**
   * One station, pm25 every 60 s for a WIB day. Each reading is lost with probability 0.2 (seeded), the
   * device clock jitters (sigma 8 s, so a reading near midnight may fall into the next day), a few
   * values are flagged (spikes), a few are redelivered and stored twice, and a 3 h maintenance window
   * is on the record: the analyser is off for its first 2.5 h, then reports span-gas values the ingest
   * has not flagged (the window was logged afterwards). The truth is counted
   * by the simulation itself, slot by slot: what it kept, valid, outside the window, over the slots
   * outside the window.
   */
  function simulate(seed: number) {
    const random = seededRandom(seed);
    const visit = window({ start: DAY0 + 14 * H, end: DAY0 + 17 * H });
    const points: Point[] = [];
    let keptValid = 0;
    let eligible = 0;
    for (let slot = 0; slot < 1440; slot++) {
      const nominal = DAY0 + slot * MIN;
      const inWindow = nominal >= visit.start && nominal < (visit.end as number);
      if (!inWindow) eligible++;
      if (inWindow && nominal < visit.start + 2.5 * H) continue; // switched off
      if (random() < 0.2) continue; // dropout
      const spike = random() < 0.02;
      if (!inWindow && !spike) keptValid++;
      const ts = nominal + Math.round(gaussian(random) * 8000);
      const point: Point = [ts, 15 + 5 * random(), spike ? SPIKE : 0];
      points.push(point);
      if (random() < 0.05) points.push(point); // stored twice
    }
    return { points, visit, truth: (keptValid / eligible) * 100 };
  }

  it.each([1, 7, 42])('seed %i: within 1 point of the truth', (seed) => {
    const { points, visit, truth } = simulate(seed);
    // The simulation does drop about a fifth (plus ~2 % spikes), or it would prove nothing.
    expect(truth).toBeGreaterThan(74);
    expect(truth).toBeLessThan(82);
    const [row] = capture(points, { ...base, windows: [visit] });
    expect(row?.expected).toBe(1440);
    expect(row?.excluded).toBe(180);
    expect(Math.abs((row?.capture as number) - truth)).toBeLessThanOrEqual(1);
  });
});
