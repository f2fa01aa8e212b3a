import { z } from 'zod';
import { findLimit, loadStandards } from '../standards/index.ts';

/**
 * The one shape of a sensor-kind catalogue entry. A kind is data: everything that validates, stores,
 * authorizes, simulates or alerts on a reading derives from one of these. The shipped kinds
 * (kinds/<kind>/kind.ts) and a kind folder loaded from disk (kind.json) are both checked by it.
 */

export const KIND_ID_PATTERN = /^[a-z][a-z0-9_]{0,63}$/;
export const STATION_ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,63}$/;
const FIELD_PATTERN = /^[a-z][a-z0-9_]*$/;
// The SenML decoder compares a name's last segment, lower-cased (RFC 8428 section 4.5.1 characters
// without the segment separators ':' and '/'), so an alias can only match if it is written that way.
const SENML_NAME = /^[a-z0-9][a-z0-9._-]*$/;
/**
 * The ingest stores a reading's validity code as the field `validity` and, when a value is flagged,
 * each value's code as `<field>_validity` (lib/validity/codes.ts): no catalogue field may take either name.
 */
export const VALIDITY_FIELD = 'validity';
export const VALIDITY_SUFFIX = '_validity';

/**
 * How the ingest flags a field's values automatically (lib/validity, codes 11-18). Every check is
 * optional: a field without a key is never flagged by that check. Field helpers (fields.ts) give
 * defaults for their quantity; a kind overrides keys per field.
 */
export const ValiditySpecSchema = z
  .strictObject({
    /** Code 11: a value at or below this cannot be real (pH 0, no water vapour at all in air). */
    impossibleAtOrBelow: z.number().optional(),
    /** Code 12: above this the value is implausible for the place, though the sensor can report it. */
    plausibleMax: z.number().optional(),
    /** Code 12, ceiling computed as `factor` x one limit of lib/standards (parameter = the field's name). */
    plausibleMaxFactorOfLimit: z
      .strictObject({
        standard: z.string().min(1),
        averaging: z.string().min(1).optional(),
        factor: z.number().positive(),
      })
      .optional(),
    /** Code 13: this many identical consecutive values; the last of them and any further are flagged. */
    flatLineCount: z.int().min(2).optional(),
    /** Values a working sensor may hold for hours never make a flat line: at or below this (calm, no flow). */
    flatLineExceptAtOrBelow: z.number().optional(),
    /** ... and at or above this (saturated air). */
    flatLineExceptAtOrAbove: z.number().optional(),
    /** Code 14: a jump from the last good value faster than this, in the field's unit per minute. */
    spikePerMinute: z.number().positive().optional(),
    /** Code 14, also required when set: the new value is this many times the last good one, or 1/that. */
    spikeFactor: z.number().gt(1).optional(),
    /** Code 15: which ends of the physical range mean a saturated (or disconnected) sensor. */
    saturatesAt: z.enum(['min', 'max', 'both']).optional(),
    /** Code 15: how close to a range end counts as at it; default 0.1 % of the range. */
    spanEpsilon: z.number().nonnegative().optional(),
  })
  .refine((v) => v.plausibleMax === undefined || v.plausibleMaxFactorOfLimit === undefined, {
    message: 'give plausibleMax or plausibleMaxFactorOfLimit, not both',
  })
  .refine((v) => v.spikeFactor === undefined || v.spikePerMinute !== undefined, {
    message: 'spikeFactor needs spikePerMinute',
  });
export type ValiditySpec = z.infer<typeof ValiditySpecSchema>;

export const FieldSpecSchema = z
  .strictObject({
    /** Canonical unit the value is stored in (ingest/core/units.ts lists the source units it accepts). */
    unit: z.string().min(1),
    /** Physical range of the sensor: a value outside it is a fault, never a reading. */
    min: z.number(),
    max: z.number(),
    description: z.string(),
    /** Gas pollutants: ug/m3 per ppb at 25 degC and 1 atm (the standards file's unit_conversions). */
    ugM3PerPpb: z.number().positive().optional(),
    /** SenML record names (RFC 8428) devices use for this field besides its own name. */
    senml: z.strictObject({ names: z.array(z.string().regex(SENML_NAME)).min(1) }).optional(),
    /** Sensor.Community firmware `value_type`s that carry this field, and the unit they report in. */
    sensorCommunity: z
      .strictObject({ valueTypes: z.array(z.string().min(1).max(64)).min(1), unit: z.string().min(1) })
      .optional(),
    /** Automatic validity checks (codes 11-18, lib/validity); none when absent. */
    validity: ValiditySpecSchema.optional(),
  })
  .refine((f) => f.min < f.max, { message: 'min must be below max' })
  .refine((f) => f.validity?.plausibleMax === undefined || f.validity.plausibleMax < f.max, {
    message: 'validity.plausibleMax must be below max (at max the span check applies)',
    path: ['validity', 'plausibleMax'],
  });
export type FieldSpec = z.infer<typeof FieldSpecSchema>;

const ExampleSchema = z.strictObject({
  /** What the example shows. */
  title: z.string().min(1),
  /** A JSON value, or a string sent as raw bytes (for payloads JSON.stringify cannot express). */
  payload: z.unknown(),
});

const InvalidExampleSchema = ExampleSchema.extend({
  /** The rejection reason code the decoder must give for this payload (ingest/core/reasons.ts). */
  reason: z.string().regex(FIELD_PATTERN),
});

export const KindSpecSchema = z
  .strictObject({
    /** snake_case id used in topics and as the InfluxDB measurement. */
    id: z.string().regex(KIND_ID_PATTERN, 'a kind id is snake_case, at most 64 characters'),
    title: z.string().min(1),
    description: z.string(),
    /** How often a station of this kind is expected to report, in seconds (stale detection, simulators). */
    expectedIntervalS: z.number().positive(),
    fields: z
      .record(
        z
          .string()
          .regex(FIELD_PATTERN, 'a field name is snake_case')
          .refine((name) => name !== VALIDITY_FIELD && !name.endsWith(VALIDITY_SUFFIX), {
            message: `a field name may not be ${VALIDITY_FIELD} or end in ${VALIDITY_SUFFIX} (the ingest stores codes under such names)`,
          }),
        FieldSpecSchema,
      )
      .refine((fields) => Object.keys(fields).length > 0, { message: 'a kind needs at least one field' }),
    examples: z.strictObject({ valid: z.array(ExampleSchema), invalid: z.array(InvalidExampleSchema) }),
  })
  .superRefine((kind, ctx) => {
    for (const problem of formatNameProblems(kind.fields)) ctx.addIssue({ code: 'custom', message: problem });
    for (const [path, problem] of ceilingProblems(kind.fields))
      ctx.addIssue({ code: 'custom', path, message: problem });
  });
export type KindSpec = z.infer<typeof KindSpecSchema>;

/**
 * A format name must point at one field of the kind: a SenML alias that is another field's name, or
 * a name two fields claim, would make the decoder's choice depend on declaration order.
 */
function formatNameProblems(fields: Record<string, FieldSpec>): string[] {
  const problems: string[] = [];
  const senml = new Map<string, string>();
  const sensorCommunity = new Map<string, string>();
  for (const [name, field] of Object.entries(fields)) {
    for (const alias of field.senml?.names ?? []) {
      const owner = Object.hasOwn(fields, alias) ? alias : senml.get(alias);
      if (owner !== undefined) problems.push(`SenML name '${alias}' of ${name} already names ${owner}`);
      senml.set(alias, name);
    }
    for (const type of field.sensorCommunity?.valueTypes ?? []) {
      const owner = sensorCommunity.get(type);
      if (owner !== undefined) problems.push(`Sensor.Community '${type}' of ${name} already names ${owner}`);
      sensorCommunity.set(type, name);
    }
  }
  return problems;
}

/**
 * A ceiling given as a multiple of a limit must name exactly one limit of the shipped standards, for
 * the field's own parameter name and unit: checked when the entry is parsed, so a kind registered at
 * run time cannot fail later, at its first reading.
 */
function ceilingProblems(fields: Record<string, FieldSpec>): [string[], string][] {
  const problems: [string[], string][] = [];
  for (const [name, field] of Object.entries(fields)) {
    const byLimit = field.validity?.plausibleMaxFactorOfLimit;
    if (!byLimit) continue;
    try {
      findLimit(loadStandards(), byLimit.standard, {
        parameter: name,
        bound: 'max',
        averaging: byLimit.averaging,
        unit: field.unit,
      });
    } catch (err) {
      problems.push([['fields', name, 'validity', 'plausibleMaxFactorOfLimit'], (err as Error).message]);
    }
  }
  return problems;
}

/** The first problem of an entry, worded `path: message`, or the parsed entry. */
export function parseKindSpec(input: unknown): { ok: true; kind: KindSpec } | { ok: false; problem: string } {
  const parsed = KindSpecSchema.safeParse(input);
  if (parsed.success) return { ok: true, kind: parsed.data };
  const issue = parsed.error.issues[0];
  const path = issue?.path.map(String).join('.');
  // A bad record key reports 'Invalid key in record'; the key's own check says what is wrong with it.
  const message = (issue?.code === 'invalid_key' ? issue.issues[0]?.message : issue?.message) ?? 'invalid';
  return { ok: false, problem: `${path ? `${path}: ` : ''}${message}` };
}
