import { z } from 'zod';
import { Common, Field, fmt, ms } from './common.ts';
import { defineRuleType, HOLD, type RuleBase } from './rule-type.ts';

const StaleSpecSchema = z.strictObject({
  ...Common,
  type: z.literal('stale'),
  /** Fields watched; default every field of the kind (a station is watched per field it has reported). */
  fields: z.array(Field).optional(),
  /** Silent for factor x expected interval (catalogue expectedIntervalS unless overridden). */
  factor: z.number().positive().default(3),
  expectedIntervalS: z.number().positive().optional(),
});
type StaleSpec = z.infer<typeof StaleSpecSchema>;

type StaleRule = RuleBase & { factor: number; expectedIntervalMs: number };

/** When the field was last heard from, on arrival time: a late reading still proves the sensor talks. */
type StaleState = { heard?: number | undefined };

const StalePatchSchema = z.strictObject({
  factor: z.number().positive().optional(),
  expectedIntervalS: z.number().positive().optional(),
});

/**
 * A silent sensor, per station and field: nothing for `factor` x the expected interval. Only fields a
 * station has reported are watched; the next reading of the field clears the alert.
 */
export const stale = defineRuleType({
  type: 'stale',
  schema: StaleSpecSchema,
  build(spec: StaleSpec, ctx): StaleRule[] {
    const fields = spec.fields ?? Object.keys(ctx.kind.fields);
    const intervalS = spec.expectedIntervalS ?? ctx.expectedIntervalS;
    return fields.map((field) => ({
      ...ctx.base,
      id: `${spec.id}-${field}`,
      ruleType: 'stale',
      parameter: field,
      unit: ctx.field(field).unit,
      provisional: false,
      source: 'catalogue expectedIntervalS',
      factor: spec.factor,
      expectedIntervalMs: ms(intervalS),
    }));
  },
  patch: {
    schema: StalePatchSchema,
    apply(rule: StaleRule, patch: z.infer<typeof StalePatchSchema>, ctx) {
      if (patch.factor !== undefined) rule.factor = patch.factor;
      // A station's expectedIntervalS applies to its stale rules unless the patch names one.
      const s = patch.expectedIntervalS ?? ctx.expectedIntervalS;
      if (s !== undefined) rule.expectedIntervalMs = ms(s);
    },
  },
  initialState: (): StaleState => ({}),
  onReading(_rule: StaleRule, state: StaleState, _r, ctx) {
    if ((state.heard ?? 0) < ctx.now) state.heard = ctx.now;
    return ctx.active ? { action: 'clear', value: 0, limit: 0, detail: 'reported again' } : HOLD;
  },
  onTick(rule, state, ctx) {
    if (state.heard === undefined) return HOLD;
    const afterMs = rule.factor * rule.expectedIntervalMs;
    const silent = ctx.now - state.heard;
    if (silent <= afterMs) return HOLD;
    return {
      action: 'raise',
      value: silent / 1000,
      limit: afterMs / 1000,
      detail: `silent for ${fmt(silent / 1000)} s (limit ${fmt(afterMs / 1000)} s)`,
    };
  },
  snapshot: (state) => state,
  /** Every known sensor gets a fresh grace period after a restart (no stale storm on start). */
  restore(saved, now): StaleState {
    const heard = (saved as StaleState).heard;
    return heard === undefined ? {} : { heard: Math.max(heard, now) };
  },
  // Version 1 kept the arrival time per field, for every field heard.
  v1: {
    section: 'lastHeard',
    key: (rule, station) => `${rule.kind}/${station}/${rule.parameter}`,
    state: (heard) => ({ heard }),
  },
});
