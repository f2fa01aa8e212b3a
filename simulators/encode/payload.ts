import { findKind } from '../../lib/catalogue/index.ts';
import { hashSeed } from '../../lib/random.ts';
import type { PayloadFormat } from '../stations/load.ts';

export type Reading = {
  station: string;
  kind: string;
  ts: number;
  seq: number;
  values: Record<string, number>;
};

/** Native payload (README "Contracts"): values in catalogue units, epoch ms device time. */
export function encodeNative(r: Reading): string {
  return JSON.stringify({ ts: r.ts, seq: r.seq, values: r.values });
}

/**
 * Catalogue unit -> a SenML unit (RFC 8428 registry, RFC 8798 secondary units) and the factor to it.
 * Units with no SenML symbol (NTU, count/100mL) are sent without `u`: the field's own unit is implied.
 */
const SENML_UNITS: Record<string, { u: string; factor: number }> = {
  'ug/m3': { u: 'ug/m3', factor: 1 },
  'mg/L': { u: 'kg/m3', factor: 1e-3 },
  degC: { u: 'Cel', factor: 1 },
  fraction: { u: '%RH', factor: 100 },
  hPa: { u: 'Pa', factor: 100 },
  bar: { u: 'Pa', factor: 1e5 },
  'L/s': { u: 'l/s', factor: 1 },
  'm/s': { u: 'm/s', factor: 1 },
  deg: { u: 'rad', factor: Math.PI / 180 },
  'mm/h': { u: 'mm/h', factor: 1 },
  pH: { u: 'pH', factor: 1 },
  m: { u: 'm', factor: 1 },
};

const clean = (x: number) => Number(x.toPrecision(12));

/** SenML JSON pack: base name `urn:dev:depok:<station>:`, base time in seconds, one record per field. */
export function encodeSenml(r: Reading): string {
  const kind = findKind(r.kind);
  const records = Object.entries(r.values).map(([name, value], i) => {
    const unit = kind?.fields[name]?.unit;
    const senml = unit === undefined ? undefined : SENML_UNITS[unit];
    const record: Record<string, string | number> =
      i === 0 ? { bn: `urn:dev:depok:${r.station}:`, bt: r.ts / 1000 } : {};
    record.n = name;
    if (senml) {
      record.u = senml.u;
      record.v = clean(value * senml.factor);
    } else {
      record.v = value;
    }
    return record;
  });
  return JSON.stringify(records);
}

/**
 * The Sensor.Community firmware's name for a field, from the catalogue (the first sensor a field names:
 * SDS011 for particulates, BME280 for the weather), with the factor from the catalogue unit to the
 * firmware's (humidity in %, pressure in Pa). Undefined for what no such sensor measures (gases, wind).
 */
function sensorCommunityName(kind: string, field: string): { type: string; factor: number } | undefined {
  const spec = findKind(kind)?.fields[field];
  const type = spec?.sensorCommunity?.valueTypes[0];
  if (!spec || !type) return undefined;
  const senml = SENML_UNITS[spec.unit];
  return { type, factor: senml && senml.u === spec.sensorCommunity?.unit ? senml.factor : 1 };
}

/** A low-cost station's push: only what an SDS011 + BME280 measure, values as decimal strings (no device time). */
export function encodeSensorCommunity(r: Reading): string {
  const sensordatavalues = Object.entries(r.values).flatMap(([name, value]) => {
    const m = sensorCommunityName(r.kind, name);
    return m ? [{ value_type: m.type, value: (value * m.factor).toFixed(2) }] : [];
  });
  sensordatavalues.push({ value_type: 'samples', value: String(3_000_000 + (r.seq % 500_000)) });
  sensordatavalues.push({ value_type: 'signal', value: String(-60 - (hashSeed(r.station) % 25)) });
  return JSON.stringify({
    esp8266id: String(hashSeed(r.station) % 100_000_000),
    software_version: 'NRZ-2020-133',
    sensordatavalues,
  });
}

export const encoders: Record<PayloadFormat, (r: Reading) => string> = {
  native: encodeNative,
  senml: encodeSenml,
  sensor_community: encodeSensorCommunity,
};

/**
 * A simulated message as the payload its station sends: in `format`, or in the station's own format
 * (the catalogue's, native by default) when `format` is `station`.
 */
export function encodeMessage(
  message: {
    station: { id: string; kind: string; format?: PayloadFormat | undefined };
    ts: number;
    seq: number;
    values: Record<string, number>;
  },
  format: PayloadFormat | 'station',
): string {
  const { station } = message;
  const chosen = format === 'station' ? (station.format ?? 'native') : format;
  return encoders[chosen]({
    station: station.id,
    kind: station.kind,
    ts: message.ts,
    seq: message.seq,
    values: message.values,
  });
}
