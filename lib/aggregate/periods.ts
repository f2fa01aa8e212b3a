import { WIB_OFFSET_MS } from '../qa/time.ts';

/**
 * Reporting periods in Depok time (WIB, UTC+7, no daylight saving; lib/qa/time.ts): an hour, a day from
 * WIB midnight, a calendar month of WIB days. Ranges are half-open, `[start, end)`, in epoch ms.
 */
export const Periods = ['hour', 'day', 'month'] as const;
export type Period = (typeof Periods)[number];

export const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** Start of the period holding `t`. */
export function periodStart(period: Period, t: number): number {
  if (period === 'hour') return Math.floor(t / HOUR_MS) * HOUR_MS;
  const local = t + WIB_OFFSET_MS;
  if (period === 'day') return Math.floor(local / DAY_MS) * DAY_MS - WIB_OFFSET_MS;
  const d = new Date(local);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1) - WIB_OFFSET_MS;
}

/** Start of the period after the one starting at `start`. */
export function nextPeriod(period: Period, start: number): number {
  if (period === 'hour') return start + HOUR_MS;
  if (period === 'day') return start + DAY_MS;
  const d = new Date(start + WIB_OFFSET_MS);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1) - WIB_OFFSET_MS;
}

/** The finer period a mean over `period` is made of (a day of hourly means, a month of daily means). */
export const partOf: Record<Exclude<Period, 'hour'>, Period> = { day: 'hour', month: 'day' };

export type Span = { start: number; end: number };

/**
 * The periods overlapping `[from, to)`, each cut to the range: asking from 06:00 gives a first day of
 * 18 hours. Ask from a period's start for whole periods (official means and capture are of whole ones).
 */
export function periodsIn(period: Period, from: number, to: number): Span[] {
  const out: Span[] = [];
  for (let start = periodStart(period, from); start < to; start = nextPeriod(period, start))
    out.push({ start: Math.max(start, from), end: Math.min(nextPeriod(period, start), to) });
  return out;
}
