import { type ValidityCode, ValidityCodes } from './codes.ts';
import type { ClockRule, FieldRule } from './rules.ts';

/**
 * What the checks remember of one station's field between readings. The caller owns it and passes it
 * to every `assess` of that field; `assess` writes the new state into it, so the hot path allocates
 * nothing (one object per station and field, made once).
 */
export type FieldState = {
  /** Device time of the newest value taken in sequence; NaN before the first. */
  lastTs: number;
  lastValue: number;
  /** The code that value got: a repeat of it (same time, same value) gets the same. */
  lastCode: number;
  /** Identical consecutive values ending with lastValue. */
  run: number;
  /** The last value no value check and no spike check flagged, and its device time: spikes compare with it. */
  baseline: number;
  baselineTs: number;
};

export function emptyFieldState(): FieldState {
  return {
    lastTs: Number.NaN,
    lastValue: Number.NaN,
    lastCode: 0,
    run: 0,
    baseline: Number.NaN,
    baselineTs: Number.NaN,
  };
}

const MINUTE_MS = 60_000;

/**
 * The validity code of one value (codes.ts), given the field's rule, the clock rule, the field's state
 * for this station (updated in place), the value with its device time and its arrival time, and whether
 * a maintenance or calibration window covers it. When several checks fire, VALIDITY_PRECEDENCE decides;
 * the order of the `if`s below is that order.
 *
 * State: a value taken in sequence (device time newer than the last) becomes the last value; it becomes
 * the spike baseline only when nothing flags the value itself, so one spike does not make the return to
 * normal look like a second one. A value out of sequence, a repeat and a value during maintenance leave
 * the state as it was (calibration gas is no baseline, and an old value says nothing about the latest).
 */
export function assess(
  rule: FieldRule,
  clock: ClockRule,
  state: FieldState,
  value: number,
  ts: number,
  arrivalMs: number,
  maintenance: boolean,
): ValidityCode {
  if (maintenance) return ValidityCodes.maintenance;
  const valueCode = valueCheck(rule, value);
  const hasLast = !Number.isNaN(state.lastTs);
  if (hasLast && ts <= state.lastTs) {
    // The same reading again (a QoS 1 redelivery, a modem sending twice) is the same InfluxDB point:
    // it must get the same code, or the copy would overwrite the first one's.
    if (ts === state.lastTs && value === state.lastValue) return state.lastCode as ValidityCode;
    return valueCode !== ValidityCodes.valid ? valueCode : ValidityCodes.outOfSequence;
  }
  state.run = hasLast && value === state.lastValue ? state.run + 1 : 1;
  state.lastTs = ts;
  state.lastValue = value;
  const spike = rule.spikePerMinute > 0 && isSpike(rule, state, value, ts);
  let code: ValidityCode = valueCode;
  if (code === ValidityCodes.valid) {
    if (ts - arrivalMs > clock.aheadMs || arrivalMs - ts > clock.behindMs) code = ValidityCodes.clockSkew;
    else if (spike) code = ValidityCodes.spike;
    else if (isFlat(rule, state, value)) code = ValidityCodes.flatLine;
  }
  if (valueCode === ValidityCodes.valid && !spike) {
    state.baseline = value;
    state.baselineTs = ts;
  }
  state.lastCode = code;
  return code;
}

/** What is wrong with the value itself, whatever its time: impossible, at the span, above the ceiling. */
export function valueCheck(rule: FieldRule, value: number): ValidityCode {
  if (value <= rule.impossibleAtOrBelow) return ValidityCodes.impossible;
  if (value <= rule.spanLow || value >= rule.spanHigh) return ValidityCodes.atSpan;
  if (value > rule.ceiling) return ValidityCodes.aboveCeiling;
  return ValidityCodes.valid;
}

/**
 * A jump from the baseline beyond the rate, counted over at least a minute (two readings a second apart
 * may differ by one minute's worth); with a factor, the two values must also differ by that ratio, which
 * tells an optical sensor's eightfold spike from a busy street's ordinary swings at any level.
 */
function isSpike(rule: FieldRule, state: FieldState, value: number, ts: number): boolean {
  const baseline = state.baseline;
  if (Number.isNaN(baseline)) return false;
  const minutes = Math.max((ts - state.baselineTs) / MINUTE_MS, 1);
  if (Math.abs(value - baseline) <= rule.spikePerMinute * minutes) return false;
  if (rule.spikeFactor === 0) return true;
  const low = Math.min(value, baseline);
  const high = Math.max(value, baseline);
  return low <= 0 || high >= rule.spikeFactor * low;
}

function isFlat(rule: FieldRule, state: FieldState, value: number): boolean {
  return (
    rule.flatLineCount > 0 && state.run >= rule.flatLineCount && value > rule.flatLow && value < rule.flatHigh
  );
}
