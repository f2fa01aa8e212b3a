import { z } from 'zod';

// Shapes of what the console reads from MQTT (contracts in ../README.md and the top-level README).
// Lenient where the producer may add fields (looseObject), strict on the types we render or compute with.

const Finite = z.number().refine(Number.isFinite, 'not a finite number');
const Text = z.string().max(2000);

export const NormalizedReadingSchema = z.looseObject({
  kind: z.string(),
  station: z.string(),
  ts: Finite,
  values: z.record(z.string().max(64), Finite),
  seq: z.number().optional(),
  tags: z.record(z.string(), z.string().max(256)).optional(),
});
export type NormalizedReading = z.infer<typeof NormalizedReadingSchema>;

export const IspuCategories = ['Baik', 'Sedang', 'Tidak Sehat', 'Sangat Tidak Sehat', 'Berbahaya'] as const;

// The flows publish ISPU in the normalized-reading shape (`values.ispu`, plus sub-indices); a top-level
// `ispu` is accepted too. Only what the console shows is kept.
export const IspuSchema = z.preprocess(
  (input) => {
    if (typeof input !== 'object' || input === null) return input;
    const o = input as { ispu?: unknown; values?: { ispu?: unknown } };
    return { ...o, ispu: o.ispu ?? o.values?.ispu };
  },
  z.object({
    station: z.string(),
    ts: Finite,
    ispu: Finite,
    category: z.enum(IspuCategories),
    dominant: z.string().max(64).optional(),
  }),
);
export type Ispu = z.infer<typeof IspuSchema>;

export const AlertStates = ['raised', 'acknowledged', 'cleared'] as const;

/** Alert timestamps may be epoch ms or ISO strings (the flows decide); both are kept as given. */
const When = z.union([Finite, z.string().max(64)]);

export const AlertSchema = z.looseObject({
  id: Text,
  kind: z.string().max(64),
  station: z.string().max(64),
  rule: z.string().max(128),
  rule_type: Text.optional(),
  parameter: Text.optional(),
  state: z.enum(AlertStates),
  severity: z.enum(['warning', 'critical']),
  message: Text.default(''),
  value: z.union([Finite, z.null()]).optional(),
  limit: z.union([Finite, z.null()]).optional(),
  unit: Text.optional(),
  averaging: Text.optional(),
  provisional: z.boolean().default(false),
  raised_at: When.optional(),
  acknowledged_by: Text.optional(),
  acknowledged_at: When.optional(),
  comment: Text.optional(),
  cleared_at: When.optional(),
});
export type Alert = z.infer<typeof AlertSchema>;

export const AckRequestSchema = z.strictObject({
  comment: z.string().trim().max(500).optional(),
});

/** Epoch ms of an alert time field, or 0 when absent/unparseable (sorting only). */
export function whenMs(value: number | string | undefined): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'string') {
    const ms = Date.parse(value);
    return Number.isNaN(ms) ? 0 : ms;
  }
  return 0;
}

export function parseJson(payload: Buffer | string): unknown {
  try {
    return JSON.parse(payload.toString());
  } catch {
    return undefined;
  }
}
