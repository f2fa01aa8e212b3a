import { z } from 'zod';
import { detail, SECONDS } from '../alert-text.ts';
import { Common, Field, ms } from './common.ts';
import { defineRuleType, HOLD, type RuleBase } from './rule-type.ts';

const StaleSpecSchema = z.strictObject({
  ...Common,
  type: z.literal('stale'),
  /** Fields watched; default every field of the kind. */
  fields: z.array(Field).optional(),
  /** Silent for factor x expected interval (catalogue expectedIntervalS unless overridden). */
  factor: z.number().positive().default(3),
  expectedIntervalS: z.number().positive().optional(),
});
type StaleSpec = z.infer<typeof StaleSpecSchema>;

type StaleRule = RuleBase & { factor: number; expectedIntervalMs: number };

/**
 * When the field was last heard from, on arrival time (a late reading still proves the sensor talks);
 * for a registered station not heard from yet, since when it is watched.
 */
type StaleState = { heard?: number | undefined; since?: number | undefined };

const StalePatchSchema = z.strictObject({
  factor: z.number().positive().optional(),
  expectedIntervalS: z.number().positive().optional(),
});

/**
 * A silent sensor, per station and field: nothing for `factor` x the expected interval. With the
 * registry every registered station is watched from the engine's start (or its provisioning), so
 * one that never reports is raised too; without it, the fields a station has reported. The next
 * reading of the field clears the alert. Value and limit are seconds (unit `s`).
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
      source: 'catalogue',
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
  keepsInvalid: true,
  initialState: (): StaleState => ({}),
  watchRegistered: (_rule, since): StaleState => ({ since }),
  onReading(rule: StaleRule, state: StaleState, _r, ctx) {
    const last = state.heard ?? state.since;
    if (state.heard === undefined || state.heard < ctx.now) state.heard = ctx.now;
    if (!ctx.active) return HOLD;
    const silentS = last === undefined ? 0 : Math.max(0, ctx.now - last) / 1000;
    const limit = (rule.factor * rule.expectedIntervalMs) / 1000;
    return { action: 'clear', value: silentS, limit, detail: detail.reportedAgain(silentS) };
  },
  onTick(rule, state, ctx) {
    const last = state.heard ?? state.since;
    if (last === undefined) return HOLD;
    const afterMs = rule.factor * rule.expectedIntervalMs;
    const silent = ctx.now - last;
    if (silent <= afterMs) return HOLD;
    return {
      action: 'raise',
      value: silent / 1000,
      limit: afterMs / 1000,
      unit: SECONDS,
      detail: detail.silent(silent / 1000, afterMs / 1000, state.heard !== undefined),
    };
  },
  snapshot: (state) => state,
  /** Every watched sensor gets a fresh grace period after a restart (no stale storm on start). */
  restore(saved, now): StaleState {
    const { heard, since } = saved as StaleState;
    if (heard !== undefined) return { heard: Math.max(heard, now) };
    return since === undefined ? {} : { since: Math.max(since, now) };
  },
  // Version 1 kept the arrival time per field, for every field heard.
  v1: {
    section: 'lastHeard',
    key: (rule, station) => `${rule.kind}/${station}/${rule.parameter}`,
    state: (heard) => ({ heard }),
  },
});
