import { fieldSet, lineOf, type Point, seriesKey } from '../../lib/influx/line-protocol.ts';
import type { Reading } from './reading.ts';

/** A reading as an InfluxDB point: measurement = kind, tags = station + registry attributes. */
export function readingToPoint(reading: Reading): Point {
  const fields: Record<string, number> = { ...reading.values };
  if (reading.seq !== undefined) fields.seq = reading.seq;
  return {
    measurement: reading.kind,
    tags: stationTagsOf(reading),
    fields,
    ts: reading.ts,
    integerFields: reading.seq !== undefined ? ['seq'] : undefined,
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

/** The same line as toLine(readingToPoint(reading)), without building the point on the hot path. */
export function readingToLine(reading: Reading): string {
  const fields =
    reading.seq === undefined
      ? fieldSet(reading.values)
      : `${fieldSet(reading.values)},${fieldSet({ seq: reading.seq }, SEQ)}`;
  return lineOf(seriesKeyOf(reading), fields, reading.ts);
}
