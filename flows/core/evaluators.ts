import type { MeanRule, RateRule, ThresholdRule } from './rule-types.ts';

/**
 * Pure per-(rule, station) evaluators. Each takes its state, the reading (device time), and whether
 * an alert is active, and answers raise / clear / hold. They never create or remove alerts: the
 * engine does, so an alert stays unique per (station, rule) whatever the evaluators say.
 * Out-of-order readings (older than the last one seen) never change the verdict.
 */
export type Verdict =
  | { action: 'hold' }
  | { action: 'raise' | 'clear'; value: number; limit: number; detail: string };

const HOLD: Verdict = { action: 'hold' };

export const fmt = (n: number) => String(Number(n.toPrecision(4)));

// ---- threshold with hysteresis (also P.68 compliance) ----
export type ThresholdState = { lastTs: number; pendingSince?: number | undefined };

export function evalThreshold(
  rule: ThresholdRule,
  state: ThresholdState,
  ts: number,
  value: number,
  active: boolean,
): Verdict {
  if (ts < state.lastTs) return HOLD;
  state.lastTs = ts;
  const over = rule.max !== undefined && value > rule.max;
  const under = rule.min !== undefined && value < rule.min;
  if (over || under) {
    state.pendingSince ??= ts;
    if (active || ts - state.pendingSince < rule.minDurationMs) return HOLD;
    const limit = over ? (rule.max as number) : (rule.min as number);
    return {
      action: 'raise',
      value,
      limit,
      detail: `${fmt(value)} ${rule.unit}, ${over ? 'above' : 'below'} ${fmt(limit)} ${rule.unit}`,
    };
  }
  state.pendingSince = undefined;
  if (!active) return HOLD;
  // Clear only once back inside the limits by the deadband: readings inside it keep the alert.
  const insideMax = rule.max === undefined || value < rule.max - rule.deadband;
  const insideMin = rule.min === undefined || value > rule.min + rule.deadband;
  if (!insideMax || !insideMin) return HOLD;
  const limit =
    rule.max !== undefined && (rule.min === undefined || value > rule.min) ? rule.max : (rule.min as number);
  return {
    action: 'clear',
    value,
    limit,
    detail: `${fmt(value)} ${rule.unit}, back within ${fmt(limit)} ${rule.unit}`,
  };
}

// ---- rolling mean over the averaging window, on device time ----
/** 24 sub-periods per window: hourly buckets for 24 h, 2.5 min for 1 h. bucket index -> [sum, count]. */
export const BUCKETS_PER_WINDOW = 24;
export type MeanState = { latest: number; buckets: Record<string, [number, number]> };

export function bucketMs(windowMs: number): number {
  return Math.max(1000, Math.floor(windowMs / BUCKETS_PER_WINDOW));
}

/** Adds a reading; returns false when it is older than the window (too late to count). */
export function addToBuckets(state: MeanState, windowMs: number, ts: number, value: number): boolean {
  const size = bucketMs(windowMs);
  const b = Math.floor(ts / size);
  const newest = Math.floor(Math.max(state.latest, ts) / size);
  if (b <= newest - BUCKETS_PER_WINDOW) return false;
  const cell = state.buckets[b] ?? [0, 0];
  cell[0] += value;
  cell[1] += 1;
  state.buckets[b] = cell;
  if (ts > state.latest) {
    state.latest = ts;
    for (const key of Object.keys(state.buckets))
      if (Number(key) <= newest - BUCKETS_PER_WINDOW) delete state.buckets[key];
  }
  return true;
}

/** Mean of the bucket means in the window ending at `end` (regulatory practice: a 24 h mean of hourly means). */
export function windowMean(
  state: MeanState,
  windowMs: number,
  end: number,
): { mean: number; coverage: number } | undefined {
  const size = bucketMs(windowMs);
  const last = Math.floor(end / size);
  let sum = 0;
  let n = 0;
  for (let b = last - BUCKETS_PER_WINDOW + 1; b <= last; b++) {
    const cell = state.buckets[b];
    if (!cell || cell[1] === 0) continue;
    sum += cell[0] / cell[1];
    n++;
  }
  return n === 0 ? undefined : { mean: sum / n, coverage: n / BUCKETS_PER_WINDOW };
}

export function evalMean(
  rule: MeanRule,
  state: MeanState,
  ts: number,
  value: number,
  active: boolean,
): Verdict {
  const previousLatest = state.latest;
  if (!addToBuckets(state, rule.windowMs, ts, value)) return HOLD;
  const result = windowMean(state, rule.windowMs, state.latest);
  // A late reading may move the mean, but the verdict waits for the next reading in order, so
  // a burst of replayed readings cannot flip an alert back and forth.
  if (!result || ts < previousLatest) return HOLD;
  if (result.coverage < rule.minCoverage) return HOLD;
  const detail = `${rule.averaging} mean ${fmt(result.mean)} ${rule.unit} against ${fmt(rule.max)} ${rule.unit} (${Math.round(result.coverage * 100)} % coverage)`;
  if (!active && result.mean > rule.max)
    return { action: 'raise', value: result.mean, limit: rule.max, detail };
  if (active && result.mean <= rule.max - rule.deadband) {
    return { action: 'clear', value: result.mean, limit: rule.max, detail };
  }
  return HOLD;
}

// ---- rate of change: a fall (or rise) of more than `change` within the window ----
/**
 * The window is kept as 60 sub-periods holding their extreme (the highest value for a fall), so
 * memory and time per reading stay constant however fast a sensor reports; the window's edge is
 * exact to one sub-period (5 s of a 5 min window).
 */
export const RATE_BUCKETS = 60;
export type RateState = {
  buckets: [number, number][];
  lastTs?: number | undefined;
  reference?: number | undefined;
};

export function evalRate(
  rule: RateRule,
  state: RateState,
  ts: number,
  value: number,
  active: boolean,
): Verdict {
  if (state.lastTs !== undefined && ts < state.lastTs) return HOLD;
  state.lastTs = ts;
  const sign = rule.direction === 'fall' ? 1 : -1;
  const size = Math.max(1, Math.floor(rule.windowMs / RATE_BUCKETS));
  const b = Math.floor(ts / size);
  const last = state.buckets[state.buckets.length - 1];
  if (last && last[0] === b) last[1] = sign > 0 ? Math.max(last[1], value) : Math.min(last[1], value);
  else state.buckets.push([b, value]);
  while ((state.buckets[0] as [number, number])[0] < b - RATE_BUCKETS) state.buckets.shift();
  if (!active) {
    // The extreme before the current value: the highest for a fall, the lowest for a rise.
    let extreme = value;
    for (const [, v] of state.buckets) extreme = sign > 0 ? Math.max(extreme, v) : Math.min(extreme, v);
    const change = (extreme - value) * sign;
    if (change > rule.change) {
      state.reference = extreme;
      return {
        action: 'raise',
        value: change,
        limit: rule.change,
        detail: `${rule.direction === 'fall' ? 'fell' : 'rose'} ${fmt(change)} ${rule.unit} within ${rule.windowMs / 1000} s (from ${fmt(extreme)} to ${fmt(value)} ${rule.unit})`,
      };
    }
    return HOLD;
  }
  // Active: clear once the value has come back to within (change - deadband) of the reference.
  const reference = state.reference ?? value;
  const remaining = (reference - value) * sign;
  if (remaining < rule.change - rule.deadband) {
    state.reference = undefined;
    return {
      action: 'clear',
      value: remaining,
      limit: rule.change,
      detail: `recovered to ${fmt(value)} ${rule.unit}`,
    };
  }
  return HOLD;
}
