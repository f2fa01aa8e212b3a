import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dailyMeans } from './means.ts';
import { addToBuckets, newMeanState, windowMean } from './rolling.ts';

const H = 3_600_000;
const DAY = Date.parse('2027-01-14T17:00:00Z'); // 2027-01-15 00:00 WIB

describe('rolling window and daily means', () => {
  it('a daily mean is the rolling 24 h window read at the WIB day end, bit for bit', () => {
    const minute = fc.integer({ min: 0, max: 24 * 60 - 1 });
    const reading = fc.tuple(minute, fc.double({ min: 0, max: 500, noNaN: true }));
    fc.assert(
      fc.property(fc.uniqueArray(reading, { selector: (r) => r[0], maxLength: 600 }), (rs) => {
        // The rule sees readings in device-time order, as the sorted batch a query returns.
        const sorted = [...rs].sort((a, b) => a[0] - b[0]);
        const state = newMeanState();
        for (const [m, v] of sorted) addToBuckets(state, 24 * H, DAY + m * 60_000, v);
        const rule = windowMean(state, 24 * H, DAY + 24 * H - 1);
        const points = sorted.map(([m, v]) => [DAY + m * 60_000, v] as const);
        const [report] = dailyMeans(points, {
          intervalS: 60,
          from: DAY,
          to: DAY + 24 * H,
          minHourCoverage: 0,
        });
        if (!rule || rule.parts < 18) expect(report?.mean).toBeNull();
        else expect(report?.mean).toBe(rule.mean);
        expect(report?.count).toBe(rule?.parts ?? 0);
      }),
      { numRuns: 200 },
    );
  });

  it('a sub-period counts only when it has the readings asked for', () => {
    const state = newMeanState();
    for (let m = 0; m < 60; m++) addToBuckets(state, 24 * H, DAY + m * 60_000, 10);
    for (let m = 0; m < 44; m++) addToBuckets(state, 24 * H, DAY + H + m * 60_000, 30);
    expect(windowMean(state, 24 * H, DAY + 2 * H - 1)).toEqual({ mean: 20, coverage: 2 / 24, parts: 2 });
    const need45 = (n: number) => n >= 45;
    expect(windowMean(state, 24 * H, DAY + 2 * H - 1, need45)).toEqual({
      mean: 10,
      coverage: 1 / 24,
      parts: 1,
    });
  });
});
