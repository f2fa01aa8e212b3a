import { z } from 'zod';
import { MIN_COVERAGE, meetsCoverage } from '../../../lib/aggregate/coverage.ts';
import { addToBuckets, type MeanState, newMeanState, windowMean } from '../../../lib/aggregate/rolling.ts';
import { detail as details } from '../alert-text.ts';
import { parseDuration } from '../duration.ts';
import { Common, Duration, Field, overridden } from './common.ts';
import { alertId, defineRuleType, HOLD, jsonState, type RuleBase, type Verdict } from './rule-type.ts';

const MeanSpecSchema = z.strictObject({
  ...Common,
  type: z.literal('mean'),
  field: Field,
  averaging: Duration,
  max: z.number().optional(),
  standard: z.string().optional(),
  deadband: z.number().nonnegative().default(0),
  /**
   * Share of the window's 24 sub-periods that must hold data before the mean counts; default the
   * project's one 75 % rule (lib/aggregate/coverage.ts: 18 of 24 h), shared with ISPU and capture.
   */
  minCoverage: z.number().min(0).max(1).default(MIN_COVERAGE),
});
type MeanSpec = z.infer<typeof MeanSpecSchema>;

type MeanRule = RuleBase & {
  max: number;
  deadband: number;
  windowMs: number;
  minCoverage: number;
};

const MeanPatchSchema = z.strictObject({
  max: z.number().optional(),
  // A mean has no minimum; a patched `min` is accepted (the patch format is shared) and only marks
  // the source as overridden, as for a threshold.
  min: z.number().optional(),
  deadband: z.number().nonnegative().optional(),
  minCoverage: z.number().min(0).max(1).optional(),
});

/** The window's mean decides, not single readings (regulatory practice: a 24 h mean of hourly means). */
function evalMean(rule: MeanRule, state: MeanState, ts: number, value: number, active: boolean): Verdict {
  const previousLatest = state.latest;
  if (!addToBuckets(state, rule.windowMs, ts, value)) return HOLD;
  const result = windowMean(state, rule.windowMs, state.latest);
  // A late reading may move the mean, but the verdict waits for the next reading in order, so
  // a burst of replayed readings cannot flip an alert back and forth.
  if (!result || ts < previousLatest) return HOLD;
  if (!meetsCoverage(result.coverage, 1, rule.minCoverage)) return HOLD;
  const detail = details.mean(rule.averaging ?? '', result.mean, rule.max, rule.unit, result.coverage);
  if (!active && result.mean > rule.max)
    return { action: 'raise', value: result.mean, limit: rule.max, detail };
  if (active && result.mean <= rule.max - rule.deadband) {
    return { action: 'clear', value: result.mean, limit: rule.max, detail };
  }
  return HOLD;
}

export const mean = defineRuleType({
  type: 'mean',
  schema: MeanSpecSchema,
  build(spec: MeanSpec, ctx): MeanRule[] {
    const f = ctx.field(spec.field);
    const limit = spec.standard ? ctx.limit(spec.standard, spec.field, 'max', spec.averaging) : undefined;
    const max = spec.max ?? limit?.value;
    if (max === undefined) throw ctx.fail('needs max or a standard');
    return [
      {
        ...ctx.base,
        id: spec.id,
        ruleType: 'mean',
        parameter: spec.field,
        unit: f.unit,
        provisional: limit?.confidence === 'recalled',
        source: limit ? 'standard' : 'local',
        standard: limit && spec.standard,
        averaging: spec.averaging,
        max,
        deadband: spec.deadband,
        windowMs: parseDuration(spec.averaging) as number,
        minCoverage: spec.minCoverage,
      },
    ];
  },
  patch: {
    schema: MeanPatchSchema,
    apply(rule: MeanRule, patch: z.infer<typeof MeanPatchSchema>) {
      if (patch.deadband !== undefined) rule.deadband = patch.deadband;
      if (patch.max !== undefined) rule.max = patch.max;
      if (patch.max !== undefined || patch.min !== undefined) rule.source = overridden(rule.source);
      if (patch.minCoverage !== undefined) rule.minCoverage = patch.minCoverage;
    },
  },
  initialState: (): MeanState => newMeanState(),
  onReading: (rule: MeanRule, state: MeanState, r, ctx) =>
    evalMean(rule, state, r.ts, r.values[rule.parameter] as number, ctx.active),
  ...jsonState,
  v1: { section: 'means', key: alertId },
});
