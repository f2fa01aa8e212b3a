import { describe, expect, it } from 'vitest';
import type { FieldSpec } from '../catalogue/spec.ts';
import { assess, emptyFieldState, type FieldState, valueCheck } from './assess.ts';
import { ValidityCodes as C, MIXED_CODES, readingCode, VALIDITY_PRECEDENCE } from './codes.ts';
import { type ClockRule, clockRule, type FieldRule, fieldRule } from './rules.ts';

const MIN = 60_000;
const T0 = Date.parse('2026-11-04T00:00:00Z');
const clock: ClockRule = clockRule(2 * MIN, 0);

/** A field spec with only the checks a test names. */
const ruleOf = (validity: FieldSpec['validity'], min = 0, max = 100): FieldRule =>
  fieldRule('x', { unit: 'u', min, max, description: '', validity });

/** Feeds [value, minutes after T0] pairs in order (arrival = device time) and returns their codes. */
function codes(rule: FieldRule, series: [number, number][], state: FieldState = emptyFieldState()) {
  return series.map(([value, minutes]) =>
    assess(rule, clock, state, value, T0 + minutes * MIN, T0 + minutes * MIN, false),
  );
}
const every = (values: number[], stepMin = 1): [number, number][] => values.map((v, i) => [v, i * stepMin]);

describe('codes and precedence', () => {
  it('lists every flag once in the precedence, and none of them is 0', () => {
    const flags = Object.values(C).filter((c) => c !== C.valid);
    expect([...VALIDITY_PRECEDENCE].sort()).toEqual([...flags].sort());
    expect(new Set(flags).size).toBe(flags.length);
    for (const code of flags) expect(code).toBeGreaterThanOrEqual(11);
    for (const code of flags) expect(code).toBeLessThanOrEqual(18);
  });

  it('gives a reading the code its values share, or MIXED_CODES when they differ', () => {
    expect(readingCode({ a: 0, b: 0 })).toBe(0);
    expect(readingCode({})).toBe(0);
    expect(readingCode({ a: C.clockSkew, b: C.clockSkew })).toBe(C.clockSkew);
    expect(readingCode({ a: C.flatLine, b: 0 })).toBe(MIXED_CODES);
    expect(readingCode({ a: 0, b: 0, c: C.spike })).toBe(MIXED_CODES);
    expect(Object.values(C)).not.toContain(MIXED_CODES);
  });
});

describe('a field without checks', () => {
  it('codes everything in sequence valid, even values at its range ends', () => {
    expect(codes(ruleOf(undefined), every([0, 100, 100, 100, 0, 50]))).toEqual([0, 0, 0, 0, 0, 0]);
  });
});

describe('11 impossible', () => {
  const rule = ruleOf({ impossibleAtOrBelow: 0 }, -10, 14);
  it('flags a value at or below the threshold, not one just above', () => {
    expect(codes(rule, every([0, -1, 0.001, 7]))).toEqual([C.impossible, C.impossible, 0, 0]);
  });
});

describe('12 above the ceiling', () => {
  it('flags above an absolute ceiling; at the ceiling is still plausible', () => {
    const rule = ruleOf({ plausibleMax: 50 });
    expect(codes(rule, every([50, 50.01, 99]))).toEqual([0, C.aboveCeiling, C.aboveCeiling]);
  });
});

describe('15 at the span', () => {
  it('flags the saturating end and its epsilon (0.1 % of the range by default), not the other end', () => {
    const rule = ruleOf({ saturatesAt: 'max' }, 0, 1000);
    expect(codes(rule, every([1000, 999, 998.9, 0]))).toEqual([C.atSpan, C.atSpan, 0, 0]);
  });
  it('flags both ends with `both`, with a given epsilon', () => {
    const rule = ruleOf({ saturatesAt: 'both', spanEpsilon: 0.5 }, -10, 60);
    expect(codes(rule, every([-10, -9.5, -9.4, 59.4, 59.5]))).toEqual([C.atSpan, C.atSpan, 0, 0, C.atSpan]);
  });
  it('flags the low end only with `min`', () => {
    const rule = ruleOf({ saturatesAt: 'min', spanEpsilon: 0 }, 0, 10);
    expect(codes(rule, every([0, 10]))).toEqual([C.atSpan, 0]);
  });
});

describe('13 flat line', () => {
  const rule = ruleOf({ flatLineCount: 3, flatLineExceptAtOrBelow: 0, flatLineExceptAtOrAbove: 90 });
  it('flags the Nth identical value and every one after it; a change starts a new run', () => {
    expect(codes(rule, every([5, 5, 5, 5, 6, 6, 6]))).toEqual([
      0,
      0,
      C.flatLine,
      C.flatLine,
      0,
      0,
      C.flatLine,
    ]);
  });
  it('never flags values a working sensor holds (at or below / at or above the exceptions)', () => {
    expect(codes(rule, every([0, 0, 0, 0, 95, 95, 95, 90, 90, 90]))).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
  });
  it('counts repeats of one reading (same time, same value) once', () => {
    expect(
      codes(rule, [
        [5, 0],
        [5, 0],
        [5, 0],
        [5, 1],
      ]),
    ).toEqual([0, 0, 0, 0]);
  });
  it('is off without flatLineCount', () => {
    expect(codes(ruleOf({}), every(Array(100).fill(5))).every((c) => c === 0)).toBe(true);
  });
});

describe('14 spike', () => {
  const rule = ruleOf({ spikePerMinute: 10 }, 0, 1000);
  it('flags a jump beyond the rate; the rate counts over at least one minute', () => {
    expect(codes(rule, every([20, 30, 41]))).toEqual([0, 0, C.spike]);
    // 30 s apart: allowed as much as in one minute, not half of it.
    expect(
      codes(rule, [
        [20, 0],
        [30, 0.5],
        [29, 0.75],
      ]),
    ).toEqual([0, 0, 0]);
  });
  it('allows more over a longer gap (rate x minutes since the baseline)', () => {
    expect(
      codes(rule, [
        [20, 0],
        [69, 5],
        [130, 10],
      ]),
    ).toEqual([0, 0, C.spike]);
    expect(
      codes(rule, [
        [20, 0],
        [120, 10],
      ]),
    ).toEqual([0, 0]);
  });
  it('keeps the baseline across a spike, so the return to normal is not a second spike', () => {
    expect(codes(rule, every([20, 200, 22, 300, 310, 25]))).toEqual([0, C.spike, 0, C.spike, C.spike, 0]);
  });
  it('cannot judge the first value (no baseline)', () => {
    expect(codes(rule, every([900]))).toEqual([0]);
  });
  it('with a factor, needs the ratio too; a baseline at 0 makes any jump a ratio', () => {
    const factor = ruleOf({ spikePerMinute: 5, spikeFactor: 3 }, 0, 1000);
    // +100 in a minute, but only x1.5: a busy street, not a spike.
    expect(codes(factor, every([200, 300]))).toEqual([0, 0]);
    expect(codes(factor, every([40, 130, 40, 12]))).toEqual([0, C.spike, 0, C.spike]);
    expect(codes(factor, every([0, 6]))).toEqual([0, C.spike]);
    // x8 but within the rate: small numbers near the floor.
    expect(codes(factor, every([0.5, 4]))).toEqual([0, 0]);
  });
  it('lets a real step through once the rate x time since the baseline covers it', () => {
    expect(codes(rule, every([20, 50, 50, 50, 50]))).toEqual([0, C.spike, C.spike, 0, 0]);
  });
});

describe('16 maintenance', () => {
  const rule = ruleOf({ spikePerMinute: 10, impossibleAtOrBelow: 0 });
  it('flags every value inside a window, whatever else it is, and leaves the state as it was', () => {
    const state = emptyFieldState();
    expect(codes(rule, [[20, 0]], state)).toEqual([0]);
    const before = { ...state };
    expect(assess(rule, clock, state, 0, T0 + MIN, T0 + MIN, true)).toBe(C.maintenance);
    expect(assess(rule, clock, state, 95, T0 + 2 * MIN, T0 + 2 * MIN, true)).toBe(C.maintenance);
    expect(state).toEqual(before);
    // After the window the calibration gas (95) is no baseline: 25 follows 20.
    expect(codes(rule, [[25, 3]], state)).toEqual([0]);
  });
});

describe('17 out of sequence', () => {
  const rule = ruleOf({ impossibleAtOrBelow: 0, flatLineCount: 2 });
  it('flags a device time older than the last, or equal with another value, and keeps the state', () => {
    const state = emptyFieldState();
    expect(
      codes(
        rule,
        [
          [5, 10],
          [6, 9],
          [7, 10],
        ],
        state,
      ),
    ).toEqual([0, C.outOfSequence, C.outOfSequence]);
    expect(state).toMatchObject({ lastTs: T0 + 10 * MIN, lastValue: 5, run: 1 });
    expect(codes(rule, [[5, 11]], state)).toEqual([C.flatLine]);
  });
  it('gives a repeat of the last reading the code the reading got (the same InfluxDB point)', () => {
    expect(
      codes(rule, [
        [5, 0],
        [5, 1],
        [5, 1],
      ]),
    ).toEqual([0, C.flatLine, C.flatLine]);
  });
  it('yields to a value check', () => {
    expect(
      codes(rule, [
        [5, 10],
        [0, 9],
      ]),
    ).toEqual([0, C.impossible]);
  });
});

describe('18 clock skew', () => {
  const rule = ruleOf({});
  it('flags device time ahead of arrival beyond the limit, not at it', () => {
    const state = emptyFieldState();
    expect(assess(rule, clock, state, 1, T0 + 2 * MIN, T0, false)).toBe(0);
    expect(assess(rule, clock, state, 1, T0 + 2 * MIN + 1 + MIN, T0 + MIN, false)).toBe(C.clockSkew);
  });
  it('ignores lateness by default (a backlog, a broker queue) and flags it when asked to', () => {
    const late = clockRule(2 * MIN, 10 * MIN);
    expect(assess(rule, clock, emptyFieldState(), 1, T0, T0 + 86_400_000, false)).toBe(0);
    expect(assess(rule, late, emptyFieldState(), 1, T0, T0 + 10 * MIN, false)).toBe(0);
    expect(assess(rule, late, emptyFieldState(), 1, T0, T0 + 10 * MIN + 1, false)).toBe(C.clockSkew);
  });
  it('is off at 0', () => {
    const off = clockRule(0, 0);
    expect(assess(rule, off, emptyFieldState(), 1, T0 + 86_400_000, T0, false)).toBe(0);
  });
});

describe('precedence when several checks fire', () => {
  const rule = ruleOf(
    {
      impossibleAtOrBelow: 0,
      saturatesAt: 'both',
      spanEpsilon: 1,
      plausibleMax: 80,
      spikePerMinute: 5,
      flatLineCount: 2,
    },
    -10,
    100,
  );
  const at = (
    state: FieldState,
    value: number,
    minutes: number,
    arrivalMinutes = minutes,
    maintenance = false,
  ) => assess(rule, clock, state, value, T0 + minutes * MIN, T0 + arrivalMinutes * MIN, maintenance);

  it('maintenance > impossible > span > ceiling', () => {
    expect(at(emptyFieldState(), -10, 0, 0, true)).toBe(C.maintenance);
    expect(at(emptyFieldState(), -10, 0)).toBe(C.impossible); // also at the low span end
    expect(at(emptyFieldState(), 99.5, 0)).toBe(C.atSpan); // also above the ceiling
    expect(valueCheck(rule, 90)).toBe(C.aboveCeiling);
  });

  it('ceiling > out of sequence; out of sequence > clock', () => {
    const state = emptyFieldState();
    at(state, 20, 10);
    expect(at(state, 90, 9)).toBe(C.aboveCeiling);
    expect(at(state, 20, 9, 0)).toBe(C.outOfSequence); // also 9 minutes ahead of its arrival
  });

  it('clock > spike > flat line; a spike hidden by the clock code still keeps the baseline', () => {
    const state = emptyFieldState();
    at(state, 20, 0);
    expect(at(state, 60, 1, -5)).toBe(C.clockSkew); // a spike too
    expect(state.baseline).toBe(20);
    expect(at(state, 60, 2)).toBe(C.spike); // and a flat line (second 60 in a row)
    expect(at(state, 60, 9)).toBe(C.flatLine);
  });
});
