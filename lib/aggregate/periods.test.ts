import { describe, expect, it } from 'vitest';
import { nextPeriod, periodStart, periodsIn } from './periods.ts';

describe('periods in WIB', () => {
  it('days start at WIB midnight, months on the first WIB day', () => {
    const t = Date.parse('2026-12-31T20:00:00Z'); // 03:00 WIB on 1 January 2027
    expect(new Date(periodStart('hour', t)).toISOString()).toBe('2026-12-31T20:00:00.000Z');
    expect(new Date(periodStart('day', t)).toISOString()).toBe('2026-12-31T17:00:00.000Z');
    expect(new Date(periodStart('month', t)).toISOString()).toBe('2026-12-31T17:00:00.000Z');
    const feb = Date.parse('2028-02-01T00:00:00+07:00');
    expect((nextPeriod('month', feb) - feb) / 86_400_000).toBe(29); // 2028 is a leap year
  });

  it('cuts the first and last period to the range', () => {
    const from = Date.parse('2026-12-01T06:00:00+07:00');
    const to = Date.parse('2026-12-02T12:00:00+07:00');
    expect(periodsIn('day', from, to).map((p) => (p.end - p.start) / 3_600_000)).toEqual([18, 12]);
  });
});
