/**
 * InfluxDB line protocol, built in one place. Escaping follows the line-protocol reference
 * (https://docs.influxdata.com/influxdb/v1/write_protocols/line_protocol_reference/#special-characters):
 * measurement: comma and space; tag keys, tag values and field keys: comma, equals sign and space;
 * string field values: double quote and backslash.
 *
 * Outside string fields InfluxDB does not unescape a backslash (`a\\b` is stored as two backslashes)
 * yet its scanner still lets a backslash swallow the next byte, so a backslash at the end of a name
 * or just before an escaped character cannot be represented, and neither can a newline. Such names
 * are refused with a LineProtocolError rather than silently changed (checked against influxd 1.6).
 */
export type Point = {
  measurement: string;
  tags: Record<string, string>;
  fields: Record<string, number | string | boolean>;
  /** Epoch milliseconds; written with precision=ms. */
  ts: number;
  /** Fields that must be written as integers (suffix i). */
  integerFields?: readonly string[];
};

export class LineProtocolError extends Error {
  override name = 'LineProtocolError';
}

const NEWLINE = /[\r\n]/;
const MEASUREMENT_SPECIAL = /[, ]/g;
const KEY_SPECIAL = /[,= ]/g;
const STRING_SPECIAL = /[\\"]/g;
const UNREPRESENTABLE_BACKSLASH = /\\([,= ]|$)/;

function refuseUnrepresentable(what: string, value: string): void {
  if (NEWLINE.test(value)) throw new LineProtocolError(`${what} contains a newline`);
  if (UNREPRESENTABLE_BACKSLASH.test(value)) {
    throw new LineProtocolError(`${what} has a backslash at its end or before a comma, '=' or space`);
  }
}

export function escapeMeasurement(name: string): string {
  refuseUnrepresentable('measurement', name);
  if (name.length === 0) throw new LineProtocolError('measurement is empty');
  return name.replace(MEASUREMENT_SPECIAL, '\\$&');
}

/** Tag keys, tag values and field keys share one escaping rule. */
export function escapeKey(value: string, what = 'tag'): string {
  refuseUnrepresentable(what, value);
  if (value.length === 0) throw new LineProtocolError(`${what} is empty`);
  return value.replace(KEY_SPECIAL, '\\$&');
}

export function escapeStringField(value: string): string {
  return `"${value.replace(STRING_SPECIAL, '\\$&')}"`;
}

function formatField(key: string, value: number | string | boolean, integer: boolean): string {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new LineProtocolError(`field ${key} is not finite`);
    if (integer) {
      if (!Number.isSafeInteger(value)) throw new LineProtocolError(`field ${key} is not an integer`);
      return `${value}i`;
    }
    return String(value);
  }
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  return escapeStringField(value);
}

/** One point as one line (no trailing newline). Tags are sorted, as InfluxDB recommends for speed. */
export function toLine(point: Point): string {
  let line = escapeMeasurement(point.measurement);
  for (const key of Object.keys(point.tags).sort()) {
    const value = point.tags[key];
    // An empty tag value is not representable: InfluxDB drops the tag, so we do too, explicitly.
    if (value === undefined || value === '') continue;
    line += `,${escapeKey(key, 'tag key')}=${escapeKey(value, 'tag value')}`;
  }
  const fieldParts: string[] = [];
  for (const [key, value] of Object.entries(point.fields)) {
    fieldParts.push(
      `${escapeKey(key, 'field key')}=${formatField(key, value, point.integerFields?.includes(key) ?? false)}`,
    );
  }
  if (fieldParts.length === 0) throw new LineProtocolError('a point needs at least one field');
  if (!Number.isSafeInteger(point.ts)) throw new LineProtocolError('timestamp is not an integer');
  return `${line} ${fieldParts.join(',')} ${point.ts}`;
}
