import { z } from 'zod';
import { type AlertSource, detail } from '../alert-text.ts';
import { Common, Field, ms, overridden } from './common.ts';
import {
  alertId,
  defineRuleType,
  HOLD,
  jsonState,
  type RuleBase,
  type RuleType,
  type Verdict,
} from './rule-type.ts';

const ThresholdSpecSchema = z.strictObject({
  ...Common,
  type: z.literal('threshold'),
  field: Field,
  /** Local limits; or take them from `standard` (bounds named in `bounds`). */
  max: z.number().optional(),
  min: z.number().optional(),
  standard: z.string().optional(),
  bounds: z
    .array(z.enum(['min', 'max']))
    .min(1)
    .optional(),
  averaging: z.string().optional(),
  /** Clear only once the value is this far back inside the limit (hysteresis). */
  deadband: z.number().nonnegative().default(0),
  /** Raise only when the limit is broken for this long (device time). */
  minDurationS: z.number().nonnegative().default(0),
});
type ThresholdSpec = z.infer<typeof ThresholdSpecSchema>;

export type ThresholdRule = RuleBase & {
  max?: number | undefined;
  min?: number | undefined;
  deadband: number;
  minDurationMs: number;
};

type ThresholdState = { lastTs: number; pendingSince?: number | undefined };

const ThresholdPatchSchema = z.strictObject({
  max: z.number().optional(),
  min: z.number().optional(),
  deadband: z.number().nonnegative().optional(),
  minDurationS: z.number().nonnegative().optional(),
});
type ThresholdPatch = z.infer<typeof ThresholdPatchSchema>;

/**
 * Threshold with hysteresis, on device time. Out-of-order readings (older than the last one seen)
 * never change the verdict.
 */
function evalThreshold(
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
      detail: (over ? detail.above : detail.below)(value, limit, rule.unit),
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
  // Both bounds: name the range, not only one end of it (the alert's limit is the bound it broke).
  const within =
    rule.max !== undefined && rule.min !== undefined
      ? detail.backWithinRange(value, rule.min, rule.max, rule.unit)
      : detail.backWithin(value, limit, rule.unit);
  return { action: 'clear', value, limit, detail: within };
}

/** How a threshold rule judges readings and takes patches; the compliance type shares it. */
export const thresholdRuntime = {
  patch: {
    schema: ThresholdPatchSchema,
    apply(rule: ThresholdRule, patch: ThresholdPatch) {
      if (patch.deadband !== undefined) rule.deadband = patch.deadband;
      if (patch.max !== undefined) rule.max = patch.max;
      if (patch.min !== undefined) rule.min = patch.min;
      if (patch.max !== undefined || patch.min !== undefined) rule.source = overridden(rule.source);
      if (patch.minDurationS !== undefined) rule.minDurationMs = ms(patch.minDurationS);
    },
  },
  initialState: (): ThresholdState => ({ lastTs: -Infinity }),
  onReading: (
    rule: ThresholdRule,
    state: ThresholdState,
    r: { ts: number; values: Record<string, number> },
    ctx: { active: boolean },
  ) => evalThreshold(rule, state, r.ts, r.values[rule.parameter] as number, ctx.active),
  ...jsonState,
  v1: { section: 'thresholds', key: alertId },
} satisfies Omit<
  RuleType<ThresholdSpec, ThresholdRule, ThresholdState, ThresholdPatch>,
  'type' | 'schema' | 'build'
>;

export const threshold = defineRuleType({
  type: 'threshold',
  schema: ThresholdSpecSchema,
  build(spec: ThresholdSpec, ctx): ThresholdRule[] {
    const f = ctx.field(spec.field);
    let { max, min } = spec;
    let provisional = false;
    const source: AlertSource = spec.standard ? 'standard' : 'local';
    if (spec.standard) {
      for (const bound of spec.bounds ?? ['max']) {
        const limit = ctx.limit(spec.standard, spec.field, bound, spec.averaging);
        if (bound === 'max') max ??= limit.value;
        else min ??= limit.value;
        provisional ||= limit.confidence === 'recalled';
      }
    }
    if (max === undefined && min === undefined) throw ctx.fail('needs max, min or a standard');
    return [
      {
        ...ctx.base,
        id: spec.id,
        ruleType: 'threshold',
        parameter: spec.field,
        unit: f.unit,
        provisional,
        source,
        standard: spec.standard,
        averaging: spec.averaging,
        max,
        min,
        deadband: spec.deadband,
        minDurationMs: ms(spec.minDurationS),
      },
    ];
  },
  ...thresholdRuntime,
});
