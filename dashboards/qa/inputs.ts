import { z } from 'zod';
import { STATION_ID_PATTERN } from '../../lib/catalogue/index.ts';
import { Decisions } from '../../lib/qa/states.ts';
import { parseDuration, parseInstant } from '../../lib/qa/time.ts';
import { MaintenanceTypes } from '../../lib/qa/windows.ts';
import { Origins } from '../../lib/records/maintenance.ts';

// The shapes the HTTP API takes in its bodies and the CLI builds from its options: one set of checks,
// one wording of each refusal. Times are epoch ms or ISO 8601 (WIB when no zone is given).

export const Instant = z.union([z.number().int(), z.string().max(40)]).transform((value, ctx) => {
  const ms = typeof value === 'number' ? value : parseInstant(value);
  if (ms !== undefined && Number.isSafeInteger(ms)) return ms;
  // Messages of our own checks are catalogue keys (lib/i18n/locales/): qa/common.ts inputProblem.
  ctx.addIssue({ code: 'custom', message: 'error.qa.bad_time' });
  return z.NEVER;
});

/** `90m`, `2h`, `1d`, or minutes as a number. */
const Duration = z.union([z.number().int().positive(), z.string().max(16)]).transform((value, ctx) => {
  const ms = typeof value === 'number' ? value * 60_000 : parseDuration(value);
  if (ms !== undefined) return ms;
  ctx.addIssue({ code: 'custom', message: 'error.qa.bad_duration' });
  return z.NEVER;
});

const Station = z.string().regex(STATION_ID_PATTERN, 'error.qa.bad_station');
const Field = z.string().min(1).max(64);
/** null or absent: the whole station. */
const Fields = z.array(Field).min(1, 'error.qa.no_fields_window').max(64);
const Text = (max: number) => z.string().trim().max(max);
const Reading = z.number().finite();

export const WindowInputSchema = z.strictObject({
  station: Station,
  type: z.enum(MaintenanceTypes),
  origin: z.enum(Origins).default('planned'),
  fields: Fields.nullable().default(null),
  start: Instant,
  end: Instant.nullable().default(null),
  /** RRULE subset (lib/qa/recurrence.ts); needs `duration`, each occurrence's length. */
  rrule: Text(200).optional(),
  duration: Duration.optional(),
  who: Text(200).optional(),
  notes: Text(2000).default(''),
});
export type WindowInput = z.input<typeof WindowInputSchema>;

/** An edit: what is named changes; `rrule: null` makes a recurring window a one-off. */
export const WindowPatchSchema = z.strictObject({
  type: z.enum(MaintenanceTypes).optional(),
  fields: Fields.nullable().optional(),
  start: Instant.optional(),
  end: Instant.nullable().optional(),
  rrule: Text(200).nullable().optional(),
  duration: Duration.optional(),
  who: Text(200).optional(),
  notes: Text(2000).optional(),
});
export type WindowPatch = z.input<typeof WindowPatchSchema>;

export const EndInputSchema = z.strictObject({ at: Instant.optional() });

export const CalibrationInputSchema = z
  .strictObject({
    station: Station,
    field: Field,
    start: Instant,
    end: Instant.nullable().default(null),
    zero_reading: Reading.optional(),
    span_reading: Reading.optional(),
    span_target: Reading.optional(),
    offset_applied: Reading.optional(),
    reference: Text(500).min(1, 'error.qa.no_reference'),
    who: Text(200).optional(),
    notes: Text(2000).default(''),
  })
  .refine((c) => c.zero_reading !== undefined || c.span_reading !== undefined, {
    message: 'error.qa.no_reading',
  });
export type CalibrationInput = z.input<typeof CalibrationInputSchema>;

export const DecisionInputSchema = z
  .strictObject({
    station: Station,
    fields: z.array(Field).min(1, 'error.qa.no_fields').max(64),
    from: Instant,
    to: Instant,
    decision: z.enum(Decisions),
    reason: Text(500).optional(),
  })
  .refine((d) => d.decision === 'valid' || (d.reason !== undefined && d.reason !== ''), {
    message: 'error.qa.reason_needed',
    path: ['reason'],
  });
export type DecisionInput = z.input<typeof DecisionInputSchema>;

const Optional = <T extends z.ZodType>(schema: T) => schema.optional();
export const ListQuerySchema = z.strictObject({
  station: Optional(Station),
  field: Optional(Field),
  type: Optional(z.enum(MaintenanceTypes)),
  from: Optional(Instant),
  to: Optional(Instant),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
});
export type ListQuery = z.input<typeof ListQuerySchema>;

export const DataQuerySchema = z.strictObject({
  state: z.enum(['raw', 'provisional', 'validated']).default('raw'),
  from: Instant,
  to: Instant,
  /** Comma-separated; default every field of the kind. */
  fields: z
    .string()
    .max(1000)
    .transform((text) => text.split(',').filter((f) => f !== ''))
    .optional(),
});
export type DataQuery = z.input<typeof DataQuerySchema>;

export const CaptureQuerySchema = z.strictObject({
  from: Instant,
  to: Instant,
  period: z.enum(['hour', 'day', 'month']).default('day'),
  /** Comma-separated; default every field of the kind. */
  fields: z
    .string()
    .max(1000)
    .transform((text) => text.split(',').filter((f) => f !== ''))
    .optional(),
});
export type CaptureQuery = z.input<typeof CaptureQuerySchema>;
