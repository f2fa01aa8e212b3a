import { z } from 'zod';
import { detail } from '../alert-text.ts';
import { Common, Field, ms } from './common.ts';
import { alertId, defineRuleType, HOLD, jsonState, type RuleBase, type Verdict } from './rule-type.ts';

const RateSpecSchema = z.strictObject({
  ...Common,
  type: z.literal('rate'),
  field: Field,
  /** Raise when the value falls (or rises) by more than this within the window. */
  change: z.number().positive(),
  direction: z.enum(['fall', 'rise']).default('fall'),
  windowS: z.number().positive(),
  /** Clear once the value is back within `change - deadband` of where it started; default change / 2. */
  deadband: z.number().nonnegative().optional(),
});
type RateSpec = z.infer<typeof RateSpecSchema>;

type RateRule = RuleBase & {
  change: number;
  direction: 'fall' | 'rise';
  windowMs: number;
  deadband: number;
};

const RatePatchSchema = z.strictObject({
  change: z.number().positive().optional(),
  windowS: z.number().positive().optional(),
  deadband: z.number().nonnegative().optional(),
});

/**
 * The window is kept as 60 sub-periods holding their extreme (the highest value for a fall), so
 * memory and time per reading stay constant however fast a sensor reports; the window's edge is
 * exact to one sub-period (5 s of a 5 min window).
 */
const RATE_BUCKETS = 60;
type RateState = {
  buckets: [number, number][];
  lastTs?: number | undefined;
  reference?: number | undefined;
};

/** A fall (or rise) of more than `change` within the window, on device time. */
function evalRate(rule: RateRule, state: RateState, ts: number, value: number, active: boolean): Verdict {
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
        detail: detail.change(rule.direction, change, rule.unit, rule.windowMs / 1000, extreme, value),
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
      detail: detail.recovered(value, rule.unit),
    };
  }
  return HOLD;
}

export const rate = defineRuleType({
  type: 'rate',
  schema: RateSpecSchema,
  build(spec: RateSpec, ctx): RateRule[] {
    const f = ctx.field(spec.field);
    return [
      {
        ...ctx.base,
        id: spec.id,
        ruleType: 'rate',
        parameter: spec.field,
        unit: f.unit,
        provisional: false,
        source: 'local',
        averaging: `${spec.windowS}s`,
        change: spec.change,
        direction: spec.direction,
        windowMs: ms(spec.windowS),
        deadband: spec.deadband ?? spec.change / 2,
      },
    ];
  },
  patch: {
    schema: RatePatchSchema,
    apply(rule: RateRule, patch: z.infer<typeof RatePatchSchema>) {
      if (patch.deadband !== undefined) rule.deadband = patch.deadband;
      if (patch.change !== undefined) rule.change = patch.change;
      if (patch.windowS !== undefined) rule.windowMs = ms(patch.windowS);
    },
  },
  initialState: (): RateState => ({ buckets: [] }),
  onReading: (rule: RateRule, state: RateState, r, ctx) =>
    evalRate(rule, state, r.ts, r.values[rule.parameter] as number, ctx.active),
  ...jsonState,
  v1: { section: 'rates', key: alertId },
});
