import { z } from 'zod';
import { KIND_ID_PATTERN, STATION_ID_PATTERN } from '../../lib/catalogue/index.ts';
import { parseDuration } from './duration.ts';

/**
 * The rules file (flows/rules.json) and the local override file, as zod schemas. Rules are data:
 * limits come from standards.json by reference (`standard` + parameter + averaging) unless a rule
 * states a local number, and every kind and field must exist in the catalogue (checked in build).
 */
export const RULE_ID_PATTERN = /^[a-z0-9][a-z0-9_-]{0,63}$/;

const RuleId = z.string().regex(RULE_ID_PATTERN, 'rule ids match [a-z0-9][a-z0-9_-]{0,63} (a topic level)');
const KindId = z.string().regex(KIND_ID_PATTERN, 'a snake_case kind id');
const Field = z.string().regex(/^[a-z][a-z0-9_]*$/, 'a catalogue field name');
const Duration = z
  .string()
  .refine((s) => parseDuration(s) !== undefined, 'a duration such as 90s, 5m, 1h, 24h');
export const SeveritySchema = z.enum(['warning', 'critical']);
export type Severity = z.infer<typeof SeveritySchema>;

const Common = {
  id: RuleId,
  kind: KindId,
  severity: SeveritySchema.default('warning'),
  enabled: z.boolean().default(true),
  /** Notify again (escalation contacts) when still unacknowledged after this long. */
  escalateAfterS: z.number().positive().optional(),
  description: z.string().optional(),
};

export const ThresholdSpecSchema = z.strictObject({
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

export const ComplianceSpecSchema = z.strictObject({
  ...Common,
  type: z.literal('compliance'),
  standard: z.string(),
  /** Deadband as a fraction of each limit. */
  deadbandFraction: z.number().min(0).max(0.5).default(0.05),
  minDurationS: z.number().nonnegative().default(0),
  /** Parameters to leave out (e.g. a limit whose unit the sensor cannot report). */
  exclude: z.array(Field).default([]),
});

export const MeanSpecSchema = z.strictObject({
  ...Common,
  type: z.literal('mean'),
  field: Field,
  averaging: Duration,
  max: z.number().optional(),
  standard: z.string().optional(),
  deadband: z.number().nonnegative().default(0),
  /** Share of the window's 24 sub-periods that must hold data before the mean counts (75 % = 18 of 24 h). */
  minCoverage: z.number().min(0).max(1).default(0.75),
});

export const RateSpecSchema = z.strictObject({
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

export const StaleSpecSchema = z.strictObject({
  ...Common,
  type: z.literal('stale'),
  /** Fields watched; default every field of the kind (a station is watched per field it has reported). */
  fields: z.array(Field).optional(),
  /** Silent for factor x expected interval (catalogue expectedIntervalS unless overridden). */
  factor: z.number().positive().default(3),
  expectedIntervalS: z.number().positive().optional(),
});

const IspuPollutantSchema = z.strictObject({
  averaging: Duration.default('24h'),
  /** "hourly", or the local hours (WIB) at which the sub-index is computed (regulation: 09:00 and 15:00). */
  schedule: z.union([z.literal('hourly'), z.array(z.number().int().min(0).max(23)).min(1)]).default('hourly'),
});

export const IspuSpecSchema = z.strictObject({
  ...Common,
  type: z.literal('ispu'),
  standard: z.string().default('id-ID-ispu-2020'),
  pollutants: z.record(Field, IspuPollutantSchema),
  utcOffsetH: z.number().min(-12).max(14).default(7),
  minCoverage: z.number().min(0).max(1).default(0.75),
  /** Raise when the station ISPU is above this (100 = entering Tidak Sehat); critical above criticalAbove. */
  raiseAbove: z.number().default(100),
  criticalAbove: z.number().default(200),
});

export const RuleSpecSchema = z.discriminatedUnion('type', [
  ThresholdSpecSchema,
  ComplianceSpecSchema,
  MeanSpecSchema,
  RateSpecSchema,
  StaleSpecSchema,
  IspuSpecSchema,
]);
export type RuleSpec = z.infer<typeof RuleSpecSchema>;

export const RulesFileSchema = z.strictObject({
  $comment: z.string().optional(),
  rules: z.array(RuleSpecSchema),
});
export type RulesFile = z.infer<typeof RulesFileSchema>;

/** What an override may change on a built rule. */
export const RulePatchSchema = z.strictObject({
  enabled: z.boolean().optional(),
  severity: SeveritySchema.optional(),
  max: z.number().optional(),
  min: z.number().optional(),
  deadband: z.number().nonnegative().optional(),
  minDurationS: z.number().nonnegative().optional(),
  change: z.number().positive().optional(),
  windowS: z.number().positive().optional(),
  factor: z.number().positive().optional(),
  expectedIntervalS: z.number().positive().optional(),
  escalateAfterS: z.number().positive().optional(),
  minCoverage: z.number().min(0).max(1).optional(),
});
export type RulePatch = z.infer<typeof RulePatchSchema>;

const PatchMap = z.record(RuleId, RulePatchSchema);

export const OverridesFileSchema = z.strictObject({
  $comment: z.string().optional(),
  /** Per kind: patches by rule id, and the expected reporting interval for stale rules. */
  kinds: z
    .record(
      KindId,
      z.strictObject({ expectedIntervalS: z.number().positive().optional(), rules: PatchMap.optional() }),
    )
    .default({}),
  /** Per station: patches by rule id (applied after the kind's). */
  stations: z
    .record(
      z.string().regex(STATION_ID_PATTERN, 'station ids match [a-z0-9][a-z0-9-]{0,63}'),
      z.strictObject({ expectedIntervalS: z.number().positive().optional(), rules: PatchMap.optional() }),
    )
    .default({}),
  /** Local rules added to the shipped set (same format as rules.json). */
  rules: z.array(RuleSpecSchema).default([]),
});
export type OverridesFile = z.infer<typeof OverridesFileSchema>;
