import { describe, expect, it } from 'vitest';
import { catchUp, checkSchedule, DEFAULT_SCHEDULE, lastDue, nextDue, periodAt } from './schedule.ts';

// Times written out in WIB (UTC+7) by hand: 16:00 WIB is 09:00 UTC, 01:00 WIB on the 1st is 18:00 UTC
// on the last day of the month before.
const wib = (text: string) => Date.parse(`${text}+07:00`);
const [daily, airMonthly] = DEFAULT_SCHEDULE;
if (!daily || !airMonthly) throw new Error('schedule incomplete');

describe('report schedule', () => {
  it('lists the bulletin and the three monthly reports', () => {
    expect(DEFAULT_SCHEDULE.map((e) => [e.type, e.cron, e.period])).toEqual([
      ['ispu-daily', '0 16 * * *', 'today'],
      ['air-monthly', '0 1 1 * *', 'previous-month'],
      ['wastewater-monthly', '0 1 1 * *', 'previous-month'],
      ['water-monthly', '0 1 1 * *', 'previous-month'],
    ]);
    expect(checkSchedule(DEFAULT_SCHEDULE)).toBeUndefined();
    expect(checkSchedule([{ ...daily, cron: '61 * * * *' }])).toMatch(/ispu-daily: cron '61 \* \* \* \*'/);
  });

  it('runs the bulletin at 16:00 WIB for that WIB day', () => {
    expect(nextDue(daily, wib('2026-12-01T12:00:00'))).toMatchObject({
      dueAt: Date.parse('2026-12-01T09:00:00Z'),
      period: '2026-12-01',
    });
    expect(lastDue(daily, wib('2026-12-01T15:59:59'))?.period).toBe('2026-11-30');
    expect(lastDue(daily, wib('2026-12-01T16:00:00'))?.period).toBe('2026-12-01');
    // 06:00 WIB on the 2nd is still the 1st in UTC: the period follows the WIB day of the run.
    expect(lastDue(daily, wib('2026-12-02T06:00:00'))?.period).toBe('2026-12-01');
  });

  it('runs the monthly reports on the 1st at 01:00 WIB for the previous month, across a year end', () => {
    expect(nextDue(airMonthly, wib('2026-12-15T00:00:00'))).toMatchObject({
      dueAt: Date.parse('2026-12-31T18:00:00Z'),
      period: '2026-12',
    });
    expect(lastDue(airMonthly, wib('2026-12-01T00:59:00'))?.period).toBe('2026-10');
    expect(lastDue(airMonthly, wib('2026-12-01T01:00:00'))?.period).toBe('2026-11');
    expect(periodAt('previous-month', wib('2027-01-01T01:00:00'))).toBe('2026-12');
  });

  it('catches up only the last due run of each entry, within the window, when not yet run', () => {
    const now = wib('2026-12-01T17:30:00');
    const day = 24 * 3_600_000;
    const due = catchUp(DEFAULT_SCHEDULE, now, day, () => false);
    expect(due.map((d) => [d.entry.type, d.period])).toEqual([
      ['ispu-daily', '2026-12-01'],
      ['air-monthly', '2026-11'],
      ['wastewater-monthly', '2026-11'],
      ['water-monthly', '2026-11'],
    ]);
    const ran = new Set(['ispu-daily 2026-12-01', 'air-monthly 2026-11']);
    expect(
      catchUp(DEFAULT_SCHEDULE, now, day, (type, period) => ran.has(`${type} ${period}`)).map(
        (d) => d.entry.type,
      ),
    ).toEqual(['wastewater-monthly', 'water-monthly']);
    // Three days later the monthly runs are out of the window; the bulletin's last due is the 4th's.
    const later = catchUp(DEFAULT_SCHEDULE, wib('2026-12-04T16:05:00'), day, () => false);
    expect(later.map((d) => [d.entry.type, d.period])).toEqual([['ispu-daily', '2026-12-04']]);
  });
});
