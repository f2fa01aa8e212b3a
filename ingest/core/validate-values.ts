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
  const quick = quickValues(kind, values);
  if (quick) return { ok: true, values: quick };
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

/**
 * The common case without zod (a fifth of its cost, measured in ingest's hot path): every key a field
 * of the kind holding a finite number within its range, and at least one. Anything else, every invalid
 * input included, returns undefined and goes to the zod schema, which also words the rejection; so
 * this may only ever accept what the schema accepts (validate-values.test.ts checks that property).
 */
export function quickValues(kind: KindSpec, values: unknown): Record<string, number> | undefined {
  if (typeof values !== 'object' || values === null || Array.isArray(values)) return undefined;
  const out: Record<string, number> = {};
  let count = 0;
  for (const key of Object.keys(values)) {
    const field = Object.hasOwn(kind.fields, key) ? kind.fields[key] : undefined;
    const value = (values as Record<string, unknown>)[key];
    if (!field || typeof value !== 'number' || !Number.isFinite(value)) return undefined;
    if (value < field.min || value > field.max) return undefined;
    out[key] = value;
    count++;
  }
  return count > 0 ? out : undefined;
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
