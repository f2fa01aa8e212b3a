import { coveredMs, type MaintenanceWindow, windowsCovering } from '../qa/windows.ts';
import { MIN_COVERAGE, meetsCoverage } from './coverage.ts';
import { type Period, periodsIn } from './periods.ts';
import { checkRange, firstAtOrAfter, type Point, type Sample, samples } from './points.ts';

export type CaptureOptions = {
  station: string;
  field: string;
  /** The kind's expected reporting interval (catalogue `expectedIntervalS`, or the station's override). */
  intervalS: number;
  from: number;
  to: number;
  period: Period;
  /** The station's maintenance and calibration windows (lib/records `toWindow()`); none: nothing excluded. */
  windows?: readonly MaintenanceWindow[] | undefined;
  minCoverage?: number | undefined;
};

export type CaptureRow = {
  start: number;
  end: number;
  /** Readings the interval promises over the period. */
  expected: number;
  /** Readings stored (one per time), valid or not, in windows or not. */
  received: number;
  /** Readings not flagged invalid, outside the windows. */
  valid: number;
  /** Expected readings that fall in maintenance or calibration windows (their time / the interval). */
  excluded: number;
  /** valid / (expected - excluded) in %, at most 100; null when windows cover the whole period. */
  capture: number | null;
  /** The capture share meets the 75 % rule (coverage.ts). */
  sufficient: boolean;
};

/**
 * Data capture of one station and field per period over `[from, to)`: capture % = valid / (expected -
 * excluded). Maintenance and calibration time leaves the denominator (EU practice: losses from regular
 * calibration and normal maintenance are not counted against capture), and a value inside a window is
 * never counted valid, flagged or not (a window recorded after its values were stored). A station
 * reporting faster than its interval is capped at 100 %.
 */
export function capture(points: Iterable<Point>, options: CaptureOptions): CaptureRow[] {
  const { station, field, from, to } = options;
  checkRange(from, to, options.intervalS);
  const all = samples(points);
  const intervalMs = options.intervalS * 1000;
  const windows = options.windows ?? [];
  return periodsIn(options.period, from, to).map(({ start, end }) => {
    const spans = windowSpans(windows, { station, field, from: start, to: end });
    let received = 0;
    let valid = 0;
    let w = 0;
    for (let i = firstAtOrAfter(all, start); i < all.length; i++) {
      const s = all[i] as Sample;
      if (s.ts >= end) break;
      received++;
      while (w < spans.length && (spans[w] as Span).end <= s.ts) w++;
      const inWindow = w < spans.length && (spans[w] as Span).start <= s.ts;
      if (s.valid && !inWindow) valid++;
    }
    const expected = (end - start) / intervalMs;
    const excluded = coveredMs(windows, { station, field, from: start, to: end }) / intervalMs;
    const denominator = expected - excluded;
    const share = denominator > 1e-9 ? Math.min(1, valid / denominator) : null;
    return {
      start,
      end,
      expected,
      received,
      valid,
      excluded,
      capture: share === null ? null : share * 100,
      sufficient: share !== null && meetsCoverage(share, 1, options.minCoverage ?? MIN_COVERAGE),
    };
  });
}

type Span = { start: number; end: number };

/** The windows' stretches over the period, merged where they overlap, in order (open ones end at `to`). */
function windowSpans(
  windows: readonly MaintenanceWindow[],
  q: { station: string; field: string; from: number; to: number },
): Span[] {
  const merged: Span[] = [];
  for (const o of windowsCovering(windows, q)) {
    const start = Math.max(o.start, q.from);
    const end = Math.min(o.end ?? q.to, q.to);
    if (end <= start) continue;
    const last = merged[merged.length - 1];
    if (last && start <= last.end) last.end = Math.max(last.end, end);
    else merged.push({ start, end });
  }
  return merged;
}
