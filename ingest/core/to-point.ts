import { VALIDITY_SUFFIX } from '../../lib/catalogue/spec.ts';
import {
  fieldSet,
  LineProtocolError,
  lineOf,
  type Point,
  seriesKey,
} from '../../lib/influx/line-protocol.ts';
import type { Reading } from './reading.ts';

/**
 * A reading as an InfluxDB point: measurement = kind, tags = station + registry attributes, one float
 * field per value, `seq` and each value's validity code (`<field>_validity`) as integers, in that order.
 */
export function readingToPoint(reading: Reading): Point {
  const fields: Record<string, number> = { ...reading.values };
  const integerFields: string[] = [];
  if (reading.seq !== undefined) {
    fields.seq = reading.seq;
    integerFields.push('seq');
  }
  for (const [name, code] of Object.entries(reading.validity ?? {})) {
    fields[name + VALIDITY_SUFFIX] = code;
    integerFields.push(name + VALIDITY_SUFFIX);
  }
  return {
    measurement: reading.kind,
    tags: stationTagsOf(reading),
    fields,
    ts: reading.ts,
    integerFields: integerFields.length > 0 ? integerFields : undefined,
  };
}

const stationTagsOf = (reading: Reading) => ({ ...reading.tags, station: reading.station });

/**
 * Series keys by the reading's tags object (the registry gives each station one, kept until the
 * station's record changes) and then by kind and station: built and escaped once per station.
 */
const seriesKeys = new WeakMap<object, Map<string, string>>();

function seriesKeyOf(reading: Reading): string {
  let byStation = seriesKeys.get(reading.tags);
  if (!byStation) {
    byStation = new Map();
    seriesKeys.set(reading.tags, byStation);
  }
  const id = `${reading.kind}/${reading.station}`;
  let key = byStation.get(id);
  if (key === undefined) {
    key = seriesKey(reading.kind, stationTagsOf(reading));
    byStation.set(id, key);
  }
  return key;
}

const SEQ: readonly string[] = ['seq'];

/** `<field>_validity=` per field name, escaped by fieldSet once (a handful of catalogue names). */
const validityKeys = new Map<string, string>();

function validityKey(name: string): string {
  let key = validityKeys.get(name);
  if (key === undefined) {
    const field = name + VALIDITY_SUFFIX;
    key = fieldSet({ [field]: 0 }, [field]).slice(0, -'0i'.length);
    if (validityKeys.size >= 1024) validityKeys.clear();
    validityKeys.set(name, key);
  }
  return key;
}

/** The same line as toLine(readingToPoint(reading)), without building the point on the hot path. */
export function readingToLine(reading: Reading): string {
  let fields =
    reading.seq === undefined
      ? fieldSet(reading.values)
      : `${fieldSet(reading.values)},${fieldSet({ seq: reading.seq }, SEQ)}`;
  const codes = reading.validity;
  if (codes !== undefined) {
    for (const name in codes) {
      const code = codes[name] as number;
      if (!Number.isSafeInteger(code)) throw new LineProtocolError(`validity of ${name} is not an integer`);
      fields += `,${validityKey(name)}${code}i`;
    }
  }
  return lineOf(seriesKeyOf(reading), fields, reading.ts);
}
