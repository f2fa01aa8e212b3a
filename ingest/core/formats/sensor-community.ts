import { z } from 'zod';
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

type Mapping = { field: string; unit: string };
const MAPPINGS = new Map<string, Mapping>();
// P1 is PM10 and P2 is PM2.5 on every particulate sensor the firmware drives.
for (const sensor of ['SDS', 'SPS30', 'PMS', 'HPM', 'NPM']) {
  MAPPINGS.set(`${sensor}_P1`, { field: 'pm10', unit: 'ug/m3' });
  MAPPINGS.set(`${sensor}_P2`, { field: 'pm25', unit: 'ug/m3' });
}
for (const sensor of ['BME280', 'BMP280', 'BMP180', 'DHT22', 'SHT3X', 'HTU21D']) {
  MAPPINGS.set(`${sensor}_temperature`, { field: 'temperature', unit: 'Cel' });
}
for (const sensor of ['BME280', 'DHT22', 'SHT3X', 'HTU21D']) {
  MAPPINGS.set(`${sensor}_humidity`, { field: 'humidity', unit: '%RH' });
}
for (const sensor of ['BME280', 'BMP280', 'BMP180']) {
  MAPPINGS.set(`${sensor}_pressure`, { field: 'pressure', unit: 'Pa' });
}

/** Firmware diagnostics (sample counts, loop timing, WiFi signal): not measurements. */
const DIAGNOSTICS = new Set(['samples', 'min_micro', 'max_micro', 'signal', 'interval']);

/**
 * Real measurements the catalogue has no field for: PM1 (`*_P0`), PM4 (`SPS30_P4`), the SPS30's
 * particle counts (`SPS30_N*`) and typical size (`SPS30_TS`). An SPS30 or PMS always sends them beside
 * PM2.5 and PM10, so rejecting them would lose every reading of those devices; they are dropped
 * instead. Adding `pm1` to the catalogue is the way to keep PM1.
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
  if (target.kind.id !== 'air_quality') {
    return reject(Reasons.invalidPayload, 'Sensor.Community payloads are accepted for air_quality only');
  }
  const payload = PayloadSchema.safeParse(json);
  if (!payload.success) return reject(Reasons.invalidPayload, firstIssue(payload.error.issues));
  const values: Record<string, number> = {};
  const source: Record<string, string> = {};
  for (const { value_type: type, value } of payload.data.sensordatavalues) {
    if (DIAGNOSTICS.has(type) || NOT_IN_CATALOGUE.has(type)) continue;
    const mapping = MAPPINGS.get(type);
    if (!mapping) return reject(Reasons.unknownField, `value_type '${type}' is not known`);
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
