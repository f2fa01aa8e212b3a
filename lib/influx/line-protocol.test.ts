import { describe, expect, it } from 'vitest';
import {
  escapeKey,
  escapeMeasurement,
  escapeStringField,
  LineProtocolError,
  type Point,
  toLine,
} from './line-protocol.ts';

describe('line protocol', () => {
  it('writes measurement, sorted tags, fields and ms time', () => {
    expect(
      toLine({
        measurement: 'air_quality',
        tags: { station: 'aq-1', district: 'beji' },
        fields: { pm25: 38.4, seq: 7 },
        ts: 1795834800000,
        integerFields: ['seq'],
      }),
    ).toBe('air_quality,district=beji,station=aq-1 pm25=38.4,seq=7i 1795834800000');
  });

  it('escapes comma, space and equals in tags and field keys; comma and space in measurements', () => {
    expect(escapeKey('a,b=c d')).toBe('a\\,b\\=c\\ d');
    expect(escapeMeasurement('m x,y=z')).toBe('m\\ x\\,y=z');
  });

  it('escapes quotes and backslashes in string fields, including a trailing backslash', () => {
    expect(escapeStringField('say "hi"')).toBe('"say \\"hi\\""');
    expect(escapeStringField('C:\\path\\')).toBe('"C:\\\\path\\\\"');
  });

  it('refuses what line protocol cannot carry instead of corrupting the batch', () => {
    expect(() => escapeKey('line\nbreak')).toThrow(LineProtocolError);
    expect(() => escapeKey('trailing\\')).toThrow(LineProtocolError);
    expect(() => escapeKey('back\\,slash')).toThrow(LineProtocolError);
    expect(() => toLine({ measurement: 'm', tags: {}, fields: { v: Number.NaN }, ts: 1 })).toThrow(
      /not finite/,
    );
    expect(() => toLine({ measurement: 'm', tags: {}, fields: {}, ts: 1 })).toThrow(/at least one field/);
  });

  it('keeps a backslash that is followed by an ordinary character (InfluxDB stores it as is)', () => {
    expect(escapeKey('a\\b')).toBe('a\\b');
  });

  it('drops empty tag values, as InfluxDB would', () => {
    expect(toLine({ measurement: 'm', tags: { a: '', b: 'x' }, fields: { v: 1 }, ts: 5 })).toBe(
      'm,b=x v=1 5',
    );
  });

  it('refuses what influxd 1.6.7 would silently change or drop (see ingest/core/line-protocol.integration.test.ts)', () => {
    const point = (over: Partial<Point>): Point => ({
      measurement: 'm',
      tags: {},
      fields: { v: 1 },
      ts: 1,
      ...over,
    });
    for (const bad of [
      point({ measurement: '#m' }),
      point({ measurement: '\tm' }),
      point({ measurement: 'm\\"x' }),
      point({ tags: { time: 'x' } }),
      point({ fields: { time: 1 } }),
      point({ fields: { '\tv': 1 } }),
      point({ fields: { 'a\\"b': 1 } }),
      point({ tags: { t: 'a\0b' } }),
      point({ tags: { t: 'a\uD800' } }),
      point({ fields: { s: 'lone \uDC00' } }),
    ]) {
      expect(() => toLine(bad), JSON.stringify(bad)).toThrow(LineProtocolError);
    }
  });

  it('keeps what influxd 1.6.7 stores as is', () => {
    expect(toLine({ measurement: 'm', tags: { t: 'a\\"b\tc' }, fields: { s: 'x\ny\0\\' }, ts: 1 })).toBe(
      'm,t=a\\"b\tc s="x\ny\0\\\\" 1',
    );
  });
});
