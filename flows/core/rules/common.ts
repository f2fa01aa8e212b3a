import { z } from 'zod';
import { KIND_ID_PATTERN } from '../../../lib/catalogue/index.ts';
import { RULE_ID_PATTERN } from '../../../lib/catalogue/topics.ts';
import type { AlertSource } from '../alert-text.ts';
import { parseDuration } from '../duration.ts';

/** Pieces every rule type's schema is made of (the rules.json entry). A rule id is a topic level. */

export const RuleId = z
  .string()
  .regex(RULE_ID_PATTERN, 'rule ids match [a-z0-9][a-z0-9_-]{0,63} (a topic level)');
export const KindId = z.string().regex(KIND_ID_PATTERN, 'a snake_case kind id');
export const Field = z.string().regex(/^[a-z][a-z0-9_]*$/, 'a catalogue field name');
export const Duration = z
  .string()
  .refine((s) => parseDuration(s) !== undefined, 'a duration such as 90s, 5m, 1h, 24h');
export const SeveritySchema = z.enum(['warning', 'critical']);
export type Severity = z.infer<typeof SeveritySchema>;

/** The fields of every rules.json entry; spread into each type's `z.strictObject`. */
export const Common = {
  id: RuleId,
  kind: KindId,
  severity: SeveritySchema.default('warning'),
  enabled: z.boolean().default(true),
  /** Notify again (escalation contacts) when still unacknowledged after this long. */
  escalateAfterS: z.number().positive().optional(),
  description: z.string().optional(),
};
export type CommonSpec = z.infer<z.ZodObject<typeof Common>> & { type: string };

export const ms = (s: number) => Math.round(s * 1000);

/** A patched limit is a local number, so the rule's source says so (of the standard it replaces). */
export const overridden = (source: AlertSource): AlertSource => (source === 'standard' ? 'override' : source);
