import { VALIDITY_FIELD, VALIDITY_SUFFIX } from '../../lib/catalogue/spec.ts';
import {
  fieldSet,
  LineProtocolError,
  lineOf,
  type Point,
  seriesKey,
} from '../../lib/influx/line-protocol.ts';
import { MIXED_CODES, readingCode } from '../../lib/validity/codes.ts';
import type { Reading } from './reading.ts';

/**
 * A reading as an InfluxDB point: measurement = kind, tags = station + registry attributes, one float
 * field per value, then as integers `seq`, the code its values share `validity` and, only when their
 * codes differ (`validity` = MIXED_CODES), each value's own code `<field>_validity`. A value's code is
 * its `<field>_validity` when the point has one, else `validity`. A reading whose values share a code
 * (nearly all: all valid) costs InfluxDB one more field rather than one per value, which halved
 * influxd's write rate in the benchmark.
 */
export function readingToPoint(reading: Reading): Point {
  const fields: Record<string, number> = { ...reading.values };
  const integerFields: string[] = [];
  if (reading.seq !== undefined) {
    fields.seq = reading.seq;
    integerFields.push('seq');
  }
  if (reading.validity !== undefined) {
    const code = readingCode(reading.validity);
    fields[VALIDITY_FIELD] = code;
    integerFields.push(VALIDITY_FIELD);
    for (const [name, fieldCode] of code === MIXED_CODES ? Object.entries(reading.validity) : []) {
      fields[name + VALIDITY_SUFFIX] = fieldCode;
      integerFields.push(name + VALIDITY_SUFFIX);
    }
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
  if (codes === undefined) return lineOf(seriesKeyOf(reading), fields, reading.ts);
  const code = readingCode(codes);
  fields += `,${VALIDITY_FIELD}=${code}i`;
  if (code === MIXED_CODES) {
    for (const name in codes) {
      const fieldCode = codes[name] as number;
      if (!Number.isSafeInteger(fieldCode))
        throw new LineProtocolError(`validity of ${name} is not an integer`);
      fields += `,${validityKey(name)}${fieldCode}i`;
    }
  }
  return lineOf(seriesKeyOf(reading), fields, reading.ts);
}
