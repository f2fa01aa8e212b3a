import { z } from 'zod';
import { STATION_ID_PATTERN } from '../../lib/catalogue/index.ts';
import { type CommonSpec, KindId, RuleId, SeveritySchema } from './rules/common.ts';
import { findRuleType, ruleTypes } from './rules/registry.ts';

/**
 * The rules file (flows/rules.json) and the local override file, as zod schemas. Rules are data:
 * limits come from standards.json by reference (`standard` + parameter + averaging) unless a rule
 * states a local number, and every kind and field must exist in the catalogue (checked in build).
 * Each entry is checked against its type's schema (flows/core/rules/<type>.ts).
 */
const RuleSpecSchema = z.looseObject({ type: z.string() }).transform((entry, ctx): CommonSpec => {
  const type = findRuleType(entry.type);
  if (!type) {
    const names = ruleTypes.map((t) => t.type).join(', ');
    ctx.addIssue({ code: 'custom', path: ['type'], message: `unknown rule type; one of ${names}` });
    return z.NEVER;
  }
  const parsed = type.schema.safeParse(entry);
  if (parsed.success) return parsed.data;
  for (const issue of parsed.error.issues) {
    ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
  }
  return z.NEVER;
});

export const RulesFileSchema = z.strictObject({
  $comment: z.string().optional(),
  rules: z.array(RuleSpecSchema),
});
export type RulesFile = z.infer<typeof RulesFileSchema>;

/** What an override may change on a built rule: the common fields and each type's own. */
const RulePatchSchema = z.strictObject({
  enabled: z.boolean().optional(),
  severity: SeveritySchema.optional(),
  escalateAfterS: z.number().positive().optional(),
  ...Object.assign({}, ...ruleTypes.map((t) => t.patch?.schema.shape ?? {})),
});
export type RulePatch = {
  enabled?: boolean | undefined;
  severity?: z.infer<typeof SeveritySchema> | undefined;
  escalateAfterS?: number | undefined;
} & Record<string, unknown>;

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
