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
 *
 * Also refused, found by the property tests against influxd 1.6.7 (ingest/core/line-protocol.integration.test.ts):
 * - a measurement starting with '#': the whole line is read as a comment and silently dropped
 *   (an escaped `\#` is stored with its backslash);
 * - a NUL in a name or tag value: it is stored, but InfluxQL cannot spell it (BADSTRING), so no
 *   query could select or filter by it; at the start of a name it is even skipped as a blank;
 * - a measurement or field key starting with a tab: the parser skips it as a blank at the start of
 *   a line and of the field set (models/points.go skipWhitespace), so the name would lose it;
 * - a backslash before a double quote in a measurement or field key: the server unescapes `\"` there;
 * - the tag or field key `time`: the server drops the point ("invalid tag key"/"invalid field name");
 * - a string with a lone UTF-16 surrogate: UTF-8 cannot carry it, so it would be stored as U+FFFD.
 * A string field value may hold anything else, newlines included: inside quotes only `"` and `\`
 * are special.
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

const NEWLINE_OR_NUL = /[\r\n\0]/;
const MEASUREMENT_SPECIAL = /[, ]/g;
const KEY_SPECIAL = /[,= ]/g;
const STRING_SPECIAL = /[\\"]/g;
const SKIPPED_AS_BLANK = /^\t/;
const UNREPRESENTABLE_BACKSLASH = /\\([,= ]|$)/;
// Measurements and field keys are unescaped with the string-field codes too (pkg/escape), so a
// backslash before a double quote is dropped there as well.
const UNREPRESENTABLE_BACKSLASH_OR_QUOTE = /\\([,= "]|$)/;

/**
 * Names made only of these characters need no escaping and break none of the rules below (no '#' at
 * the start, no tab, backslash, quote, newline, NUL or surrogate). Station ids, kinds, field keys and
 * most tag values are such names: the checks run once per name instead of once per line.
 */
const PLAIN = /^[A-Za-z0-9_.:/-]+$/;

function refuseIllFormed(what: string, value: string): void {
  if (!value.isWellFormed()) throw new LineProtocolError(`${what} has a lone UTF-16 surrogate`);
}

function refuseUnrepresentable(what: string, value: string, backslash = UNREPRESENTABLE_BACKSLASH): void {
  refuseIllFormed(what, value);
  if (NEWLINE_OR_NUL.test(value)) throw new LineProtocolError(`${what} contains a newline or NUL`);
  if (backslash.test(value)) {
    throw new LineProtocolError(`${what} has a backslash at its end or before a special character`);
  }
}

export function escapeMeasurement(name: string): string {
  if (PLAIN.test(name)) return name;
  refuseUnrepresentable('measurement', name, UNREPRESENTABLE_BACKSLASH_OR_QUOTE);
  if (name.length === 0) throw new LineProtocolError('measurement is empty');
  if (SKIPPED_AS_BLANK.test(name)) throw new LineProtocolError('measurement starts with a tab');
  if (name.startsWith('#')) throw new LineProtocolError("measurement starts with '#' (a comment line)");
  return name.replace(MEASUREMENT_SPECIAL, '\\$&');
}

/** Tag keys, tag values and field keys share one escaping rule. */
export function escapeKey(value: string, what = 'tag'): string {
  if (PLAIN.test(value)) return value;
  refuseUnrepresentable(what, value);
  if (value.length === 0) throw new LineProtocolError(`${what} is empty`);
  return value.replace(KEY_SPECIAL, '\\$&');
}

/** Tag and field keys: `time` is the timestamp column in InfluxQL, so InfluxDB refuses it as a key. */
function escapeName(key: string, what: 'tag key' | 'field key'): string {
  if (key === 'time') throw new LineProtocolError(`${what} 'time' is reserved`);
  if (PLAIN.test(key)) return key;
  if (what === 'field key') {
    if (SKIPPED_AS_BLANK.test(key)) throw new LineProtocolError('field key starts with a tab');
    refuseUnrepresentable(what, key, UNREPRESENTABLE_BACKSLASH_OR_QUOTE);
  }
  return escapeKey(key, what);
}

export function escapeStringField(value: string): string {
  refuseIllFormed('string field', value);
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

/**
 * The series key: measurement and tags, sorted as InfluxDB recommends for speed. A station's key is
 * the same on every line, so callers on the hot path may keep it (to-point.ts does).
 */
export function seriesKey(measurement: string, tags: Readonly<Record<string, string>>): string {
  let key = escapeMeasurement(measurement);
  for (const name of Object.keys(tags).sort()) {
    const value = tags[name];
    // An empty tag value is not representable: InfluxDB drops the tag, so we do too, explicitly.
    if (value === undefined || value === '') continue;
    key += `,${escapeName(name, 'tag key')}=${escapeKey(value, 'tag value')}`;
  }
  return key;
}

/** Escaped field keys: a handful of catalogue names, seen on every line. Bounded against odd input. */
const fieldKeys = new Map<string, string>();

function fieldKey(key: string): string {
  let escaped = fieldKeys.get(key);
  if (escaped === undefined) {
    escaped = escapeName(key, 'field key');
    if (fieldKeys.size >= 1024) fieldKeys.clear();
    fieldKeys.set(key, escaped);
  }
  return escaped;
}

/** The field set: `key=value` pairs joined by commas; at least one. */
export function fieldSet(
  fields: Readonly<Record<string, number | string | boolean>>,
  integerFields?: readonly string[],
): string {
  let set = '';
  for (const key of Object.keys(fields)) {
    const value = fields[key] as number | string | boolean;
    const pair = `${fieldKey(key)}=${formatField(key, value, integerFields?.includes(key) ?? false)}`;
    set = set === '' ? pair : `${set},${pair}`;
  }
  if (set === '') throw new LineProtocolError('a point needs at least one field');
  return set;
}

export function lineOf(series: string, fields: string, ts: number): string {
  if (!Number.isSafeInteger(ts)) throw new LineProtocolError('timestamp is not an integer');
  return `${series} ${fields} ${ts}`;
}

/** One point as one line (no trailing newline). */
export function toLine(point: Point): string {
  return lineOf(
    seriesKey(point.measurement, point.tags),
    fieldSet(point.fields, point.integerFields),
    point.ts,
  );
}
