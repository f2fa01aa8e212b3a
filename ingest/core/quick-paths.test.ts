import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { kinds } from '../../lib/catalogue/index.ts';
import { NativeEnvelopeSchema, valuesSchemaFor } from '../../lib/catalogue/schema.ts';
import { escapeKey, escapeMeasurement, fieldSet, seriesKey, toLine } from '../../lib/influx/line-protocol.ts';
import { quickEnvelope } from './formats/native.ts';
import { readingToLine, readingToPoint } from './to-point.ts';
import { quickValues } from './validate-values.ts';

// The fast paths skip zod and the escaping checks for the common case. They are only sound if they
// never accept what the slow path refuses, and give the same result when they accept.

const fieldNames = [...new Set(kinds.flatMap((k) => Object.keys(k.fields)))];
const key = fc.oneof(
  fc.constantFrom(...fieldNames, 'ts', 'values', 'seq', 'meta', '__proto__', 'constructor', 'x'.repeat(65)),
  fc.string({ maxLength: 70 }),
);
const number = fc.oneof(
  fc.double(),
  fc.integer(),
  fc.constantFrom(-0, 2 ** 53, -1, 0.5, Number.MAX_VALUE, Number.NaN, Number.POSITIVE_INFINITY),
);
const leaf = fc.oneof(number, fc.string({ maxLength: 70 }), fc.boolean(), fc.constant(null));
const valuesLike = fc.oneof(
  fc.dictionary(fc.constantFrom(...fieldNames), number, { maxKeys: 6 }),
  fc.dictionary(key, leaf, { maxKeys: 6 }),
  fc.array(leaf, { maxLength: 3 }),
  leaf,
);
const envelopeLike = fc.oneof(
  fc.record(
    { ts: leaf, values: valuesLike, seq: leaf, meta: fc.oneof(valuesLike, fc.constant(undefined)) },
    { requiredKeys: [] },
  ),
  fc.dictionary(key, fc.oneof(leaf, valuesLike), { maxKeys: 5 }),
  valuesLike,
);
// Through JSON, as the decoder sees payloads (no undefined, no NaN: JSON turns them into null).
const asJson = (value: unknown): unknown => JSON.parse(JSON.stringify(value) ?? 'null');

describe('quick paths agree with the slow ones', () => {
  it('quickEnvelope accepts only what NativeEnvelopeSchema accepts, with the same ts, values and seq', () => {
    fc.assert(
      fc.property(envelopeLike, (raw) => {
        const json = asJson(raw);
        const quick = quickEnvelope(json);
        if (!quick) return;
        const slow = NativeEnvelopeSchema.safeParse(json);
        expect(slow.success).toBe(true);
        expect(quick).toEqual({ ts: slow.data?.ts, values: slow.data?.values, seq: slow.data?.seq });
      }),
      { numRuns: 3000 },
    );
  });

  it('quickValues accepts only what the kind schema accepts, with the same values', () => {
    for (const kind of kinds) {
      const schema = valuesSchemaFor(kind);
      fc.assert(
        fc.property(valuesLike, (raw) => {
          const quick = quickValues(kind, raw);
          if (!quick) return;
          const slow = schema.safeParse(raw);
          expect(slow.success).toBe(true);
          expect(quick).toEqual(slow.data);
        }),
        { numRuns: 1000 },
      );
    }
  });

  it('takes the quick path for ordinary payloads (or the figures in the README mean nothing)', () => {
    const kind = kinds.find((k) => k.id === 'water_network');
    expect(kind).toBeDefined();
    if (!kind) return;
    expect(quickEnvelope({ ts: 1, seq: 2, values: { pressure: 2.5, ph: 7.1 } })).toBeDefined();
    expect(quickValues(kind, { pressure: 2.5, ph: 7.1 })).toEqual({ pressure: 2.5, ph: 7.1 });
    expect(quickValues(kind, { pressure: 2.5, ph: 99 })).toBeUndefined();
    expect(quickValues(kind, {})).toBeUndefined();
  });

  it('readingToLine writes the same line as toLine(readingToPoint()), twice in a row (cached key)', () => {
    const tags = { district: 'beji', operator: 'pdam tirta, asasta' };
    fc.assert(
      fc.property(
        fc.constantFrom('wn-1', 'wn-2', 'aq-9'),
        fc.dictionary(fc.constantFrom(...fieldNames), fc.double({ noNaN: true, noDefaultInfinity: true }), {
          minKeys: 1,
        }),
        fc.option(fc.nat(), { nil: undefined }),
        fc.option(fc.array(fc.constantFrom(0, 0, 0, 11, 13, 18), { minLength: 16, maxLength: 16 }), {
          nil: undefined,
        }),
        (station, values, seq, codes) => {
          // With the validity stage's codes (one per value) or without them (a reading never assessed).
          const validity =
            codes === undefined
              ? undefined
              : Object.fromEntries(Object.keys(values).map((k, i) => [k, codes[i] ?? 0]));
          const reading = {
            kind: 'water_network',
            station,
            ts: 1_700_000_000_000,
            values,
            seq,
            tags,
            validity,
          };
          const expected = toLine(readingToPoint(reading));
          expect(readingToLine(reading)).toBe(expected);
          expect(readingToLine(reading)).toBe(expected);
        },
      ),
    );
  });

  it('writes the code the values share, and each one only when they differ', () => {
    const reading = {
      kind: 'air_quality',
      station: 'aq-1',
      ts: 1_700_000_000_000,
      values: { pm25: 38.4, pm10: 61.2, co: 0 },
      seq: 7,
      tags: {},
      validity: { pm25: 0, pm10: 14, co: 11 },
    };
    expect(readingToLine(reading)).toBe(
      'air_quality,station=aq-1 pm25=38.4,pm10=61.2,co=0,seq=7i,validity=10i,pm25_validity=0i,pm10_validity=14i,co_validity=11i 1700000000000',
    );
    const valid = { ...reading, values: { pm25: 38.4 }, validity: { pm25: 0 } };
    expect(readingToLine(valid)).toBe('air_quality,station=aq-1 pm25=38.4,seq=7i,validity=0i 1700000000000');
    const skewed = { ...reading, validity: { pm25: 18, pm10: 18, co: 18 } };
    expect(readingToLine(skewed)).toBe(
      'air_quality,station=aq-1 pm25=38.4,pm10=61.2,co=0,seq=7i,validity=18i 1700000000000',
    );
  });

  it('plain names pass unescaped and the rest still go through every check', () => {
    expect(escapeKey('wn-001')).toBe('wn-001');
    expect(escapeMeasurement('water_network')).toBe('water_network');
    expect(seriesKey('m', { a: 'x y', station: 's' })).toBe('m,a=x\\ y,station=s');
    expect(() => fieldSet({ time: 1 })).toThrow(/reserved/);
    expect(() => seriesKey('#m', {})).toThrow(/comment/);
    expect(() => escapeKey('a\\')).toThrow(/backslash/);
  });
});
