import { z } from 'zod';
import type { KindSpec } from './spec.ts';

/**
 * zod schemas derived from a catalogue entry. The values object is strict (an unknown field is an
 * error, not silently dropped) and each field carries the kind's physical range.
 */
export function valuesSchemaFor(kind: KindSpec) {
  const shape: Record<string, z.ZodOptional<z.ZodNumber>> = {};
  for (const [name, field] of Object.entries(kind.fields)) {
    shape[name] = z.number().min(field.min).max(field.max).optional();
  }
  return z
    .strictObject(shape)
    .refine((values) => Object.values(values).some((v) => v !== undefined), { message: 'values is empty' });
}

/** The native envelope: `{"ts", "values", "seq"?, "meta"?}` (../../README.md "Contracts"). */
export const NativeEnvelopeSchema = z.strictObject({
  ts: z.union([z.number(), z.string().max(64)]),
  values: z.record(z.string().max(64), z.unknown()),
  seq: z.number().int().nonnegative().optional(),
  meta: z.record(z.string(), z.unknown()).optional(),
});
export type NativeEnvelope = z.infer<typeof NativeEnvelopeSchema>;
