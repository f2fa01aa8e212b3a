import {
  capture,
  means,
  nextPeriod,
  type Period,
  type Point,
  periodStart,
} from '../../lib/aggregate/index.ts';
import { type Decision, type StateName, stateIndex } from '../../lib/qa/states.ts';
import type { SeriesPoint } from './source.ts';

export const Averagings = ['raw', 'hour', 'day'] as const;
export type Averaging = (typeof Averagings)[number];

/** The widest range one request may ask for, per averaging (a bigger one is refused with 400). */
export const MAX_SPAN_DAYS: Record<Averaging, number> = { raw: 31, hour: 93, day: 366 };

/** One value: a stored reading (`raw`) or an hourly / WIB-daily mean, with what it is made of. */
export type MeasurementRow = {
  station: string;
  field: string;
  /** The reading's time, or the period's start. */
  time: string;
  /** null: the period falls short of the 75 % rule (lib/aggregate), or the reading held no number. */
  value: number | null;
  unit: string;
  averaging: Averaging;
  /** Data capture of the period (for `raw`: of the hour holding the reading), in %; null when unknown. */
  capture: number | null;
  /** The reading's code; for a mean 0 when it meets the coverage rule, else null. */
  validity: number | null;
  state: StateName;
};

export type SeriesQuery = {
  station: string;
  field: string;
  unit: string;
  intervalS: number;
  averaging: Averaging;
  from: number;
  to: number;
};

const period = (a: Averaging): Period => (a === 'day' ? 'day' : 'hour');

/** `from` moved back to its period's start, so means and capture are of whole periods. */
export function alignedFrom(averaging: Averaging, from: number): number {
  return averaging === 'raw' ? from : periodStart(period(averaging), from);
}

/**
 * The end of one page starting at `from`: `limit` periods for means, about `limit` readings' worth of
 * whole hours for raw values (the page is then cut at `limit` rows).
 */
export function pageEnd(
  averaging: Averaging,
  from: number,
  to: number,
  limit: number,
  intervalS: number,
): number {
  if (averaging === 'raw') {
    const span = Math.max(3_600_000, limit * intervalS * 1000);
    return Math.min(to, periodStart('hour', from + span - 1) + 3_600_000);
  }
  let end = from;
  for (let i = 0; i < limit && end < to; i++) end = nextPeriod(period(averaging), end);
  return Math.min(end, to);
}

/**
 * Rows of one station and field over `[from, to)` from the stored points and the validators' decisions.
 * A value a validator declared invalid leaves the means as a flagged one does (lib/aggregate reads a
 * non-integer code as invalid); means and capture are lib/aggregate's, never recomputed here.
 */
export function measurementRows(
  q: SeriesQuery,
  points: readonly SeriesPoint[],
  decisions: readonly Decision[],
) {
  const stateOf = stateIndex(decisions, q.station, q.field, q.from, q.to);
  const judged: Point[] = points.map(([ts, value, validity]) => [
    ts,
    value,
    stateOf(ts).state === 'invalid' ? 'invalid-by-decision' : validity,
  ]);
  const base = { station: q.station, field: q.field, unit: q.unit, averaging: q.averaging };
  const per = period(q.averaging);
  const capFrom = periodStart(per, q.from);
  const capTo = q.to;
  const captures = new Map(
    capture(judged, {
      station: q.station,
      field: q.field,
      intervalS: q.intervalS,
      from: capFrom,
      to: capTo,
      period: per,
    }).map((c) => [c.start, c.capture === null ? null : round(c.capture, 1)]),
  );
  if (q.averaging === 'raw') {
    const rows: MeasurementRow[] = [];
    const seen = new Set<number>();
    for (const [ts, value, validity] of [...points].sort((a, b) => a[0] - b[0])) {
      if (seen.has(ts) || ts < q.from || ts >= q.to) continue;
      seen.add(ts);
      rows.push({
        ...base,
        time: new Date(ts).toISOString(),
        value,
        capture: captures.get(periodStart('hour', ts)) ?? null,
        validity,
        state: stateOf(ts).state,
      });
    }
    return rows;
  }
  return means(judged, per, { intervalS: q.intervalS, from: q.from, to: q.to }).map(
    (m): MeasurementRow => ({
      ...base,
      time: new Date(m.start).toISOString(),
      value: m.mean,
      capture: captures.get(m.start) ?? null,
      validity: m.mean === null ? null : 0,
      state: periodState(points, stateOf, m.start, m.end),
    }),
  );
}

/**
 * A mean's state: `validated` when every value in its period is, `invalid` when every one was declared
 * invalid, else `provisional` (also for an empty period: nothing has been decided about it).
 */
function periodState(
  points: readonly SeriesPoint[],
  stateOf: (t: number) => { state: StateName },
  start: number,
  end: number,
): StateName {
  const states = new Set<StateName>();
  for (const [ts, value] of points)
    if (ts >= start && ts < end && value !== null) states.add(stateOf(ts).state);
  if (states.size === 1) return [...states][0] as StateName;
  if (states.size === 0 || states.has('provisional')) return 'provisional';
  return 'validated'; // validated and invalid values: the mean is made of the validated ones
}

const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;
