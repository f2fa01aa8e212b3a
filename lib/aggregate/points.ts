import { isInvalid } from './validity.ts';

/**
 * One stored value as a query returns it: `[ts (epoch ms), value, validity code]`. InfluxDB answers
 * `null` for a field absent from a row, and rows written before the validity codes have no code: both
 * are read as "no value" and "valid".
 */
export type Point = readonly [ts: number, value: number | null | undefined, validity?: unknown];

/** A point that holds a number, with whether it counts. */
export type Sample = { ts: number; value: number; valid: boolean };

/**
 * The batch as the aggregates read it: points without a finite time or value dropped, ordered by time,
 * one per time (a QoS 1 redelivery stored twice is one reading; the later copy wins, as in InfluxDB).
 */
export function samples(points: Iterable<Point>): Sample[] {
  if (Array.isArray(points)) {
    const inOrder = orderedSamples(points as readonly Point[]);
    if (inOrder) return inOrder;
  }
  const byTs = new Map<number, Sample>();
  for (const [ts, value, validity] of points) {
    if (!Number.isFinite(ts) || typeof value !== 'number' || !Number.isFinite(value)) continue;
    byTs.set(ts, { ts, value, valid: !isInvalid(validity) });
  }
  return [...byTs.values()].sort((a, b) => a.ts - b.ts);
}

/**
 * The fast path for a batch already in time order with one point per time (what a query returns):
 * no map, no sort. undefined as soon as a point is out of order or repeats a time.
 */
function orderedSamples(points: readonly Point[]): Sample[] | undefined {
  const out: Sample[] = [];
  let last = Number.NEGATIVE_INFINITY;
  for (const [ts, value, validity] of points) {
    if (!Number.isFinite(ts) || typeof value !== 'number' || !Number.isFinite(value)) continue;
    if (ts <= last) return undefined;
    last = ts;
    out.push({ ts, value, valid: !isInvalid(validity) });
  }
  return out;
}

/** The first index of `sorted` at or after `t` (binary search). */
export function firstAtOrAfter(sorted: readonly { ts: number }[], t: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sorted[mid] as { ts: number }).ts < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export class AggregateRangeError extends Error {
  override name = 'AggregateRangeError';
}

// A year of hours is 8,784 periods; ten years of hours is still cheap, anything wider is a mistake.
const MAX_RANGE_MS = 10 * 366 * 86_400_000;

/** Refuses a range the caller cannot have meant: not finite, empty, or wider than ten years. */
export function checkRange(from: number, to: number, intervalS?: number): void {
  if (!Number.isFinite(from) || !Number.isFinite(to) || to <= from)
    throw new AggregateRangeError(`range [${from}, ${to}) is empty or not finite`);
  if (to - from > MAX_RANGE_MS) throw new AggregateRangeError('range wider than ten years');
  if (intervalS !== undefined && !(intervalS > 0 && Number.isFinite(intervalS)))
    throw new AggregateRangeError(`expected interval ${intervalS} s is not a positive number`);
}
