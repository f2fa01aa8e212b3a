import type { KindSpec } from '../../lib/catalogue/index.ts';
import { valuesSchemaFor } from '../../lib/catalogue/schema.ts';
import { type Reason, Reasons } from './reasons.ts';

const valueSchemas = new Map<KindSpec, ReturnType<typeof valuesSchemaFor>>();
function valuesSchema(kind: KindSpec) {
  let schema = valueSchemas.get(kind);
  if (!schema) {
    schema = valuesSchemaFor(kind);
    valueSchemas.set(kind, schema);
  }
  return schema;
}

export type ValidatedValues =
  | { ok: true; values: Record<string, number> }
  | { ok: false; reason: Reason; detail: string };

/**
 * The catalogue's rules for one reading's values, whatever format they came in: known fields only,
 * numbers within the sensor's physical range, at least one value. Formats convert units first.
 */
export function validateValues(kind: KindSpec, values: unknown, prefix = 'values'): ValidatedValues {
  const parsed = valuesSchema(kind).safeParse(values);
  if (parsed.success) return { ok: true, values: dropUndefined(parsed.data) };
  const issue = parsed.error.issues[0];
  const reason =
    issue?.code === 'unrecognized_keys'
      ? Reasons.unknownField
      : issue?.code === 'too_small' || issue?.code === 'too_big'
        ? Reasons.outOfRange
        : Reasons.invalidPayload;
  return { ok: false, reason, detail: firstIssue(parsed.error.issues, prefix) };
}

function dropUndefined(values: Record<string, number | undefined>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(values)) if (v !== undefined) out[k] = v;
  return out;
}

type Issue = { path: PropertyKey[]; message: string; code: string; keys?: string[] };
export function firstIssue(issues: readonly Issue[], prefix?: string): string {
  const issue = issues[0];
  if (!issue) return 'invalid';
  const path = [prefix, ...issue.path.map(String)].filter(Boolean).join('.');
  const keys = issue.keys ? ` (${issue.keys.slice(0, 5).join(', ')})` : '';
  return `${path || 'payload'}: ${issue.message}${keys}`.slice(0, 300);
}
