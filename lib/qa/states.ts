/**
 * Data states (official data): every stored value is `provisional` until a validator decides on a
 * range that holds it. A decision names a station, fields and a time range `[from, to)` and says
 * `valid` (the values become `validated`) or `invalid` with a reason. Decisions are never edited: a
 * newer one over the same or an overlapping range supersedes the older ones there (the newest, by
 * record id, wins; outside its range the older still hold), and the history stays in the records
 * database. Raw values in InfluxDB are never touched; these functions derive each value's state.
 */

export const Decisions = ['valid', 'invalid'] as const;
export type DecisionKind = (typeof Decisions)[number];

export type Decision = {
  /** Record id: increasing, so a later decision has a larger id (the clock may step back; ids do not). */
  id: number;
  station: string;
  fields: readonly string[];
  from: number;
  to: number;
  decision: DecisionKind;
  reason?: string | null | undefined;
  by: string;
  at: number;
};

export type ValueState =
  | { state: 'provisional' }
  | { state: 'validated'; decision: number; by: string; at: number }
  | { state: 'invalid'; decision: number; by: string; at: number; reason: string };

export type StateName = ValueState['state'];
export const PROVISIONAL: ValueState = { state: 'provisional' };

export function stateOfDecision(d: Decision): ValueState {
  const base = { decision: d.id, by: d.by, at: d.at };
  return d.decision === 'valid'
    ? { state: 'validated', ...base }
    : { state: 'invalid', ...base, reason: d.reason ?? '' };
}

const concerns = (d: Decision, station: string, field: string) =>
  d.station === station && d.fields.includes(field);

/** The state of the value of S/F at `t`: the newest decision whose range holds `t`, else provisional. */
export function stateAt(
  decisions: readonly Decision[],
  station: string,
  field: string,
  t: number,
): ValueState {
  let best: Decision | undefined;
  for (const d of decisions)
    if (concerns(d, station, field) && d.from <= t && t < d.to && (!best || d.id > best.id)) best = d;
  return best ? stateOfDecision(best) : PROVISIONAL;
}

/** A stretch of time with one state (`decision` undefined while provisional). */
export type Segment = { from: number; to: number; state: ValueState };

/**
 * The states of S/F over `[from, to)` as consecutive segments (adjacent ones with the same governing
 * decision merged), provisional where no decision holds. What a new decision would supersede: the
 * audit trail records it as the previous state.
 */
export function timeline(
  decisions: readonly Decision[],
  station: string,
  field: string,
  from: number,
  to: number,
): Segment[] {
  const mine = decisions.filter((d) => concerns(d, station, field) && d.from < to && d.to > from);
  const cuts = new Set([from, to]);
  for (const d of mine) {
    if (d.from > from) cuts.add(d.from);
    if (d.to < to) cuts.add(d.to);
  }
  const points = [...cuts].sort((a, b) => a - b);
  const out: Segment[] = [];
  for (let i = 0; i + 1 < points.length; i++) {
    const a = points[i] as number;
    const b = points[i + 1] as number;
    const state = stateAt(mine, station, field, a);
    const last = out.at(-1);
    if (last && sameState(last.state, state)) last.to = b;
    else out.push({ from: a, to: b, state });
  }
  return out;
}

function sameState(a: ValueState, b: ValueState): boolean {
  return (
    a.state === b.state &&
    (a.state === 'provisional' || (b.state !== 'provisional' && a.decision === b.decision))
  );
}

/**
 * Many lookups for one S/F (a query's points): the timeline over the points' span once, then a binary
 * search per point. Cost O(D log D + P log D) instead of O(P * D).
 */
export function stateIndex(
  decisions: readonly Decision[],
  station: string,
  field: string,
  from: number,
  to: number,
): (t: number) => ValueState {
  const segments = timeline(decisions, station, field, from, to);
  return (t) => {
    let lo = 0;
    let hi = segments.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const s = segments[mid] as Segment;
      if (t < s.from) hi = mid - 1;
      else if (t >= s.to) lo = mid + 1;
      else return s.state;
    }
    return stateAt(decisions, station, field, t);
  };
}

/** What a history query asks for: every value (`raw`), only `provisional` ones, or only `validated`. */
export const StateFilters = ['raw', 'provisional', 'validated'] as const;
export type StateFilter = (typeof StateFilters)[number];

export type Point = [t: number, value: number];
export type StatedPoint = { t: number; value: number; state: StateName; reason?: string; decision?: number };

/**
 * The points of S/F with their states, filtered: `raw` keeps all (invalid ones too, marked), and
 * `provisional` / `validated` keep only values in that state. Invalid values are in `raw` only.
 */
export function withStates(
  decisions: readonly Decision[],
  station: string,
  field: string,
  points: readonly Point[],
  filter: StateFilter,
): StatedPoint[] {
  if (points.length === 0) return [];
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const [t] of points) {
    if (t < min) min = t;
    if (t > max) max = t;
  }
  const lookup = stateIndex(decisions, station, field, min, max + 1);
  const out: StatedPoint[] = [];
  for (const [t, value] of points) {
    const s = lookup(t);
    if (filter !== 'raw' && s.state !== filter) continue;
    const point: StatedPoint = { t, value, state: s.state };
    if (s.state !== 'provisional') point.decision = s.decision;
    if (s.state === 'invalid') point.reason = s.reason;
    out.push(point);
  }
  return out;
}

/** The code a value a validator invalidated takes for the aggregates: non-zero, so lib/aggregate leaves it out. */
export const INVALIDATED_CODE = -1;

/**
 * Query points `[t, value, validity code]` of S/F with the validators' decisions applied for means,
 * ISPU and capture: a value in an `invalid` range gets INVALIDATED_CODE, every other keeps its code
 * (a `valid` decision confirms data, it does not clear an automatic flag).
 */
export function withDecisionCodes<P extends readonly [number, unknown, unknown?]>(
  decisions: readonly Decision[],
  station: string,
  field: string,
  points: readonly P[],
): [number, P[1], unknown][] {
  if (points.length === 0) return [];
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const [t] of points) {
    if (t < min) min = t;
    if (t > max) max = t;
  }
  const lookup = stateIndex(decisions, station, field, min, max + 1);
  return points.map(([t, value, code]) => [
    t,
    value,
    lookup(t).state === 'invalid' ? INVALIDATED_CODE : code,
  ]);
}
