/**
 * A rolling mean over an averaging window on device time, kept as 24 sub-periods (hourly buckets
 * for 24 h, 2.5 min for 1 h), so memory stays constant however fast a sensor reports. The one 24 h
 * mean of the project: the alert flows' mean and ISPU rule types keep it reading by reading, and the
 * daily means of means.ts (the reports' "Rata-rata 24 jam") are this window over a WIB day. bucket index -> [sum, count, newest device time in it] (a state file
 * written before the third element was kept has none: the next reading in that bucket counts).
 */
const BUCKETS_PER_WINDOW = 24;
export type MeanState = { latest: number; buckets: Record<string, [number, number, number?]> };

export const newMeanState = (): MeanState => ({ latest: 0, buckets: {} });

function bucketMs(windowMs: number): number {
  return Math.max(1000, Math.floor(windowMs / BUCKETS_PER_WINDOW));
}

/**
 * Adds a reading; returns false when it is older than the window (too late to count) or no newer
 * than the newest reading already in its sub-period. That is how a redelivered copy (same device
 * time: readings reach the flows at least once) is kept from counting twice, in constant memory;
 * the price is that a reading arriving out of order within one sub-period is skipped too.
 */
export function addToBuckets(state: MeanState, windowMs: number, ts: number, value: number): boolean {
  const size = bucketMs(windowMs);
  const b = Math.floor(ts / size);
  const newest = Math.floor(Math.max(state.latest, ts) / size);
  if (b <= newest - BUCKETS_PER_WINDOW) return false;
  const cell = state.buckets[b] ?? [0, 0];
  if (cell[2] !== undefined && ts <= cell[2]) return false;
  cell[0] += value;
  cell[1] += 1;
  cell[2] = ts;
  state.buckets[b] = cell;
  if (ts > state.latest) {
    state.latest = ts;
    for (const key of Object.keys(state.buckets))
      if (Number(key) <= newest - BUCKETS_PER_WINDOW) delete state.buckets[key];
  }
  return true;
}

/** Readings a sub-period needs to count in the window's mean; the rules' default: any reading. */
export type PartCounts = (readings: number, partMs: number) => boolean;
const anyReading: PartCounts = (readings) => readings > 0;

/**
 * Mean of the bucket means in the window ending at `end` (regulatory practice: a 24 h mean of hourly
 * means); `parts` is how many sub-periods it is made of, `coverage` that share of the 24.
 */
export function windowMean(
  state: MeanState,
  windowMs: number,
  end: number,
  partCounts: PartCounts = anyReading,
): { mean: number; coverage: number; parts: number } | undefined {
  const size = bucketMs(windowMs);
  const last = Math.floor(end / size);
  let sum = 0;
  let n = 0;
  for (let b = last - BUCKETS_PER_WINDOW + 1; b <= last; b++) {
    const cell = state.buckets[b];
    if (!cell || cell[1] === 0 || !partCounts(cell[1], size)) continue;
    sum += cell[0] / cell[1];
    n++;
  }
  return n === 0 ? undefined : { mean: sum / n, coverage: n / BUCKETS_PER_WINDOW, parts: n };
}
