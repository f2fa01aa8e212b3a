import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LineProtocolError, type Point, toLine } from '../../lib/influx/line-protocol.ts';
import { influxQuery, type LocalInfluxd, startLocalInfluxd } from '../../testkit/influxd.ts';
import type { Reading } from './reading.ts';
import { readingToLine } from './to-point.ts';

/**
 * toLine against a real influxd 1.6.7: every string it accepts must come back byte-identical through
 * POST /write and InfluxQL, and everything it refuses must be refused with a LineProtocolError whose
 * cause is one of the documented limits of line protocol (line-protocol.ts), nothing more.
 * 8 batches x 25 strings per property keep each property near a second.
 */
const DB = 'lp';
let influx: LocalInfluxd;

beforeAll(async () => {
  influx = await startLocalInfluxd();
  await influxQuery(influx.url, `CREATE DATABASE ${DB}`);
});
afterAll(async () => {
  await influx?.stop();
});

async function write(lines: string[]): Promise<void> {
  if (lines.length === 0) return;
  const res = await fetch(`${influx.url}/write?db=${DB}&precision=ms`, {
    method: 'POST',
    body: lines.join('\n'),
  });
  if (res.status !== 204) throw new Error(`write refused: ${res.status} ${await res.text()}`);
}

// InfluxQL (influxql/scanner.go ScanString): inside quotes only a backslash and the quote are escaped.
const ident = (name: string) => `"${name.replace(/[\\"]/g, '\\$&')}"`;
const literal = (value: string) => `'${value.replace(/[\\']/g, '\\$&')}'`;

type Row = Record<string, unknown>;
async function select(q: string): Promise<Row[]> {
  const res = await influxQuery(influx.url, q, DB);
  const result = res.results[0];
  if (result?.error) throw new Error(`${result.error} in ${q}`);
  const series = result?.series?.[0];
  return (series?.values ?? []).map((values) =>
    Object.fromEntries(series?.columns.map((c, i) => [c, values[i]]) ?? []),
  );
}

/** The line, or undefined when toLine refused it; any other exception fails the property. */
function tryLine(point: Point): string | undefined {
  try {
    return toLine(point);
  } catch (err) {
    if (err instanceof LineProtocolError) return undefined;
    throw err;
  }
}

// Characters that matter to line protocol, to InfluxQL or to UTF-8, mixed with ordinary and random ones.
const special = fc.constantFrom(
  ' ',
  ',',
  '=',
  '"',
  "'",
  '\\',
  '\n',
  '\r',
  '\t',
  '#',
  '\0',
  '\uD800',
  '\uDC00',
  'é',
  '😀',
);
const unit = fc.oneof(
  { weight: 4, arbitrary: special },
  { weight: 2, arbitrary: fc.constantFrom('a', 'b', '1', '_', 'time') },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) },
);
const nasty = fc.string({ unit, maxLength: 8 });
const batch = fc.uniqueArray(nasty, { minLength: 1, maxLength: 25 });
const RUNS = { numRuns: 8 };

// The documented limits, restated independently of toLine's code.
const illFormed = (s: string) => !s.isWellFormed();
const badName = (s: string) => s === '' || illFormed(s) || /[\r\n\0]/.test(s) || /\\([,= ]|$)/.test(s);
// Measurements and field keys also lose a leading tab (the parser skips it as a blank).
const leadingBlank = (s: string) => s.startsWith('\t');
// ... and unescape a backslash-quote.
const backslashQuote = (s: string) => s.includes('\\"');

let run = 0;

describe('line protocol against influxd 1.6.7', () => {
  it('round-trips tag values', async () => {
    await fc.assert(
      fc.asyncProperty(batch, async (values) => {
        const m = `tag_values_${run++}`;
        const accepted = new Map<number, string>();
        const lines: string[] = [];
        values.forEach((value, i) => {
          const line = tryLine({
            measurement: m,
            tags: { v: value },
            fields: { i },
            ts: i + 1,
            integerFields: ['i'],
          });
          // An empty tag value is dropped (InfluxDB cannot store it); that is not a refusal.
          expect(line === undefined, JSON.stringify(value)).toBe(value !== '' && badName(value));
          if (line !== undefined) {
            accepted.set(i, value);
            lines.push(line);
          }
        });
        await write(lines);
        const rows = await select(`SELECT "i", "v" FROM ${ident(m)}`);
        expect(rows).toHaveLength(accepted.size);
        for (const row of rows) expect(row.v ?? '').toBe(accepted.get(row.i as number));
        // Queried by value too: what a dashboard's WHERE clause would do.
        const nonEmpty = [...accepted].filter(([, v]) => v !== '');
        if (nonEmpty.length === 0) return;
        const q = nonEmpty.map(([, v]) => `SELECT "i" FROM ${ident(m)} WHERE "v" = ${literal(v)}`).join('; ');
        const res = await influxQuery(influx.url, q, DB);
        nonEmpty.forEach(([i], k) => {
          expect(res.results[k]?.series?.[0]?.values).toEqual([[expect.anything(), i]]);
        });
      }),
      RUNS,
    );
  });

  it('round-trips field keys and tag keys', async () => {
    await fc.assert(
      fc.asyncProperty(batch, async (keys) => {
        const m = `keys_${run++}`;
        const accepted = new Map<number, string>();
        const lines: string[] = [];
        keys.forEach((key, i) => {
          const line = tryLine({ measurement: m, tags: { [key]: 'x' }, fields: { [key]: i }, ts: i + 1 });
          expect(line === undefined, JSON.stringify(key)).toBe(
            key === 'time' || badName(key) || leadingBlank(key) || backslashQuote(key),
          );
          if (line !== undefined) {
            accepted.set(i, key);
            lines.push(line);
          }
        });
        await write(lines);
        if (accepted.size === 0) return;
        const fieldKeys = await select(`SHOW FIELD KEYS FROM ${ident(m)}`);
        expect(new Set(fieldKeys.map((r) => r.fieldKey))).toEqual(new Set(accepted.values()));
        const tagKeys = await select(`SHOW TAG KEYS FROM ${ident(m)}`);
        expect(new Set(tagKeys.map((r) => r.tagKey))).toEqual(new Set(accepted.values()));
        // Select each field by its quoted name: the value written under it comes back.
        const q = [...accepted].map(([, k]) => `SELECT ${ident(k)} FROM ${ident(m)}`).join('; ');
        const res = await influxQuery(influx.url, q, DB);
        [...accepted].forEach(([i, k], n) => {
          const series = res.results[n]?.series?.[0];
          expect(series?.columns, JSON.stringify(k)).toEqual(['time', k]);
          expect(series?.values).toEqual([[expect.anything(), i]]);
        });
      }),
      RUNS,
    );
  });

  it('round-trips string field values, newlines and trailing backslashes included', async () => {
    await fc.assert(
      fc.asyncProperty(batch, async (values) => {
        const m = `strings_${run++}`;
        const accepted = new Map<number, string>();
        const lines: string[] = [];
        values.forEach((value, i) => {
          const line = tryLine({
            measurement: m,
            tags: {},
            fields: { i, s: value },
            ts: i + 1,
            integerFields: ['i'],
          });
          expect(line === undefined, JSON.stringify(value)).toBe(illFormed(value));
          if (line !== undefined) {
            accepted.set(i, value);
            lines.push(line);
          }
        });
        await write(lines);
        const rows = await select(`SELECT "i", "s" FROM ${ident(m)}`);
        expect(rows).toHaveLength(accepted.size);
        for (const row of rows) expect(row.s).toBe(accepted.get(row.i as number));
      }),
      RUNS,
    );
  });

  it('round-trips measurement names', async () => {
    await fc.assert(
      fc.asyncProperty(batch, async (names) => {
        const r = `r${run++}`;
        const accepted = new Map<number, string>();
        names.forEach((name, i) => {
          const line = tryLine({
            measurement: name,
            tags: { run: r },
            fields: { i },
            ts: i + 1,
            integerFields: ['i'],
          });
          expect(line === undefined, JSON.stringify(name)).toBe(
            name.startsWith('#') || badName(name) || leadingBlank(name) || backslashQuote(name),
          );
          if (line !== undefined) accepted.set(i, name);
        });
        await write(
          [...accepted].map(([i, name]) =>
            toLine({ measurement: name, tags: { run: r }, fields: { i }, ts: i + 1, integerFields: ['i'] }),
          ),
        );
        if (accepted.size === 0) return;
        const shown = await select(`SHOW MEASUREMENTS WHERE "run" = ${literal(r)}`);
        expect(new Set(shown.map((row) => row.name))).toEqual(new Set(accepted.values()));
        const q = [...accepted]
          .map(([, name]) => `SELECT "i" FROM ${ident(name)} WHERE "run" = ${literal(r)}`)
          .join('; ');
        const res = await influxQuery(influx.url, q, DB);
        [...accepted].forEach(([i, name], n) => {
          expect(res.results[n]?.series?.[0]?.values, JSON.stringify(name)).toEqual([[expect.anything(), i]]);
        });
      }),
      RUNS,
    );
  });
});

describe('redelivered readings (QoS 1 duplicates)', () => {
  const reading: Reading = {
    kind: 'air_quality',
    station: 'aq-margonda-01',
    ts: Date.parse('2026-11-28T03:00:00Z'),
    seq: 4812,
    values: { pm25: 38.4, pm10: 61.2 },
    tags: { district: 'beji', operator: 'DLHK Depok' },
    validity: { pm25: 0, pm10: 14 },
  };

  it('stores a reading written twice, or twice in one batch, as one point', async () => {
    const line = readingToLine(reading);
    await write([line]);
    await write([line]);
    await write([line, line]);
    const rows = await select('SELECT * FROM "air_quality"');
    expect(rows).toEqual([
      {
        time: '2026-11-28T03:00:00Z',
        district: 'beji',
        operator: 'DLHK Depok',
        station: 'aq-margonda-01',
        pm25: 38.4,
        pm10: 61.2,
        seq: 4812,
        validity: 10,
        pm25_validity: 0,
        pm10_validity: 14,
      },
    ]);
    const count = await select('SELECT COUNT("pm25") FROM "air_quality"');
    expect(count[0]?.count).toBe(1);
  });

  it('lets InfluxQL keep only valid values: WHERE "validity" = 0 OR "<field>_validity" = 0', async () => {
    // A minute later all valid, stored with `validity=0i` only; a minute after that all ten minutes
    // fast (code 18 on every value), stored with `validity=18i` only.
    const valid = { ...reading, ts: reading.ts + 60_000, seq: 4813, validity: { pm25: 0, pm10: 0 } };
    const skewed = { ...reading, ts: reading.ts + 120_000, seq: 4814, validity: { pm25: 18, pm10: 18 } };
    expect(readingToLine(valid)).not.toMatch(/_validity/);
    expect(readingToLine(skewed)).not.toMatch(/_validity/);
    await write([readingToLine(reading), readingToLine(valid), readingToLine(skewed)]);
    const coded = (field: string, code: number) =>
      select(
        `SELECT "${field}" FROM "air_quality" WHERE "validity" = ${code} OR "${field}_validity" = ${code}`,
      );
    expect(await coded('pm25', 0)).toEqual([
      { time: '2026-11-28T03:00:00Z', pm25: 38.4 },
      { time: '2026-11-28T03:01:00Z', pm25: 38.4 },
    ]);
    // pm10 of the first reading is a spike (14): only the second one's is valid.
    expect(await coded('pm10', 0)).toEqual([{ time: '2026-11-28T03:01:00Z', pm10: 61.2 }]);
    expect(await coded('pm10', 14)).toEqual([{ time: '2026-11-28T03:00:00Z', pm10: 61.2 }]);
    expect(await coded('pm25', 18)).toEqual([{ time: '2026-11-28T03:02:00Z', pm25: 38.4 }]);
  });
});
