import { z } from 'zod';
import { sensorCommunityNames } from '../../../lib/catalogue/format-names.ts';
import { kinds } from '../../../lib/catalogue/index.ts';
import type { DecodeContext, Target } from '../context.ts';
import { type DecodeResult, reject } from '../reading.ts';
import { Reasons } from '../reasons.ts';
import { convertToField } from '../units.ts';
import { firstIssue, validateValues } from '../validate-values.ts';

/**
 * Sensor.Community (formerly luftdaten.info) firmware push:
 * `{"esp8266id", "software_version", "sensordatavalues": [{"value_type", "value"}]}` with values as
 * decimal strings. It carries no time: the reading is stamped with the time of receipt (ctx.now).
 */
const PayloadSchema = z.strictObject({
  esp8266id: z.union([z.string().max(64), z.number()]).optional(),
  software_version: z.string().max(64).optional(),
  sensordatavalues: z
    .array(
      z.strictObject({ value_type: z.string().max(64), value: z.union([z.string().max(64), z.number()]) }),
    )
    .min(1),
});

/** Firmware diagnostics (sample counts, loop timing, WiFi signal): not measurements. */
const DIAGNOSTICS = new Set(['samples', 'min_micro', 'max_micro', 'signal', 'interval']);

/**
 * Real measurements the catalogue has no field for: PM1 (`*_P0`), PM4 (`SPS30_P4`), the SPS30's
 * particle counts (`SPS30_N*`) and typical size (`SPS30_TS`). An SPS30 or PMS always sends them beside
 * PM2.5 and PM10, so rejecting them would lose every reading of those devices; they are dropped
 * instead. Adding `pm1` (with its value_types) to the catalogue is the way to keep PM1: a catalogue name
 * is looked up before this list.
 */
const NOT_IN_CATALOGUE = new Set([
  'SPS30_P0',
  'PMS_P0',
  'NPM_P0',
  'SPS30_P4',
  'SPS30_N05',
  'SPS30_N1',
  'SPS30_N25',
  'SPS30_N4',
  'SPS30_N10',
  'SPS30_TS',
]);

const DECIMAL = /^-?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

export function decodeSensorCommunity(json: unknown, target: Target, ctx: DecodeContext): DecodeResult {
  // The value_type names come from the kind's fields (lib/catalogue/fields.ts); a kind none of whose
  // fields a Sensor.Community sensor measures (water, effluent) takes no such payload.
  const names = sensorCommunityNames(target.kind);
  if (names.size === 0) {
    const accepting = kinds.filter((k) => sensorCommunityNames(k).size > 0).map((k) => k.id);
    return reject(
      Reasons.invalidPayload,
      `Sensor.Community payloads are accepted for ${accepting.join(', ')} only`,
    );
  }
  const payload = PayloadSchema.safeParse(json);
  if (!payload.success) return reject(Reasons.invalidPayload, firstIssue(payload.error.issues));
  const values: Record<string, number> = {};
  const source: Record<string, string> = {};
  for (const { value_type: type, value } of payload.data.sensordatavalues) {
    const mapping = names.get(type);
    if (!mapping) {
      if (DIAGNOSTICS.has(type) || NOT_IN_CATALOGUE.has(type)) continue;
      return reject(Reasons.unknownField, `value_type '${type}' is not known`);
    }
    const number =
      typeof value === 'number' ? value : DECIMAL.test(value.trim()) ? Number(value) : Number.NaN;
    if (!Number.isFinite(number))
      return reject(Reasons.invalidPayload, `${type}: '${String(value)}' is not a number`);
    const spec = target.kind.fields[mapping.field];
    if (!spec)
      return reject(Reasons.unknownField, `${type}: ${mapping.field} is not a field of ${target.kind.id}`);
    // Two sensors measuring the same thing (a DHT22 beside a BME280): no rule says which one to trust.
    const earlier = source[mapping.field];
    if (earlier !== undefined) {
      return reject(Reasons.invalidPayload, `${mapping.field} given by both ${earlier} and ${type}`);
    }
    const converted = convertToField(number, mapping.unit, spec, mapping.field);
    if (!converted.ok) return reject(converted.reason, converted.detail);
    values[mapping.field] = converted.value;
    source[mapping.field] = type;
  }
  const valid = validateValues(target.kind, values, 'sensordatavalues');
  if (!valid.ok) return reject(valid.reason, valid.detail);
  return {
    ok: true,
    readings: [
      { kind: target.kind.id, station: target.station, ts: ctx.now, values: valid.values, tags: target.tags },
    ],
  };
}
