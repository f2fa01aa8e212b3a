import { type Point, toLine } from './line-protocol.ts';
import type { Reading } from './reading.ts';

/** A reading as an InfluxDB point: measurement = kind, tags = station + registry attributes. */
export function readingToPoint(reading: Reading): Point {
  const fields: Record<string, number> = { ...reading.values };
  if (reading.seq !== undefined) fields.seq = reading.seq;
  return {
    measurement: reading.kind,
    tags: { ...reading.tags, station: reading.station },
    fields,
    ts: reading.ts,
    integerFields: reading.seq !== undefined ? ['seq'] : undefined,
  };
}

export function readingToLine(reading: Reading): string {
  return toLine(readingToPoint(reading));
}
