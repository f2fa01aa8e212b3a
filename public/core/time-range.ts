import { parseInstant } from '../../lib/qa/time.ts';

const DAY_MS = 86_400_000;

export type TimeRange =
  | { from: number; to: number }
  | { problem: string; params?: Record<string, string | number> };

/** `from` / `to` (ISO 8601, WIB without a zone, or epoch ms); default the last 24 h; at most `maxDays`. */
export function timeRange(query: { from?: string; to?: string }, now: number, maxDays: number): TimeRange {
  const to = query.to === undefined ? now : parseInstant(query.to);
  if (to === undefined) return { problem: 'open.error.bad_time', params: { param: 'to' } };
  const from = query.from === undefined ? to - DAY_MS : parseInstant(query.from);
  if (from === undefined) return { problem: 'open.error.bad_time', params: { param: 'from' } };
  if (to <= from) return { problem: 'open.error.empty_range' };
  if (to - from > maxDays * DAY_MS)
    return { problem: 'open.error.range_too_wide', params: { days: maxDays } };
  return { from, to };
}
