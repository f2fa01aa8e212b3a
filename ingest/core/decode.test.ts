import { describe, expect, it } from 'vitest';
import { decodeMessage, type StationInfo } from './decode.ts';

const now = Date.parse('2026-11-28T04:00:00Z');
const ctx = { now, time: { maxPastMs: 86_400_000, maxFutureMs: 60_000 }, maxPayloadBytes: 1024 };
const enc = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v));
const topic = 'sensors/water_network/wn-1';

describe('decodeMessage', () => {
  it('decodes the native payload with epoch ms or RFC 3339 time', () => {
    const a = decodeMessage(topic, enc({ ts: now - 1000, seq: 3, values: { pressure: 2.1 } }), ctx);
    expect(a).toEqual({
      ok: true,
      readings: [
        {
          kind: 'water_network',
          station: 'wn-1',
          ts: now - 1000,
          seq: 3,
          values: { pressure: 2.1 },
          tags: {},
        },
      ],
    });
    const b = decodeMessage(topic, enc({ ts: '2026-11-28T10:59:00+07:00', values: { ph: 7 } }), ctx);
    expect(b.ok && b.readings[0]?.ts).toBe(Date.parse('2026-11-28T03:59:00Z'));
  });

  it.each([
    ['malformed JSON', topic, '{"ts":', 'malformed_json'],
    ['not an object', topic, '[1,2]', 'invalid_payload'],
    ['extra top-level key', topic, { ts: now, values: { ph: 7 }, evil: 1 }, 'invalid_payload'],
    ['string for a number', topic, { ts: now, values: { ph: '7' } }, 'invalid_payload'],
    ['unknown field', topic, { ts: now, values: { lead: 1 } }, 'unknown_field'],
    ['below the physical range', topic, { ts: now, values: { pressure: -1 } }, 'out_of_range'],
    ['zone-less time', topic, { ts: '2026-11-28T04:00:00', values: { ph: 7 } }, 'timestamp_out_of_bounds'],
    ['time from the future', topic, { ts: now + 3_600_000, values: { ph: 7 } }, 'timestamp_out_of_bounds'],
    ['time too old', topic, { ts: now - 2 * 86_400_000, values: { ph: 7 } }, 'timestamp_out_of_bounds'],
    ['absurd time', topic, { ts: -1e300, values: { ph: 7 } }, 'timestamp_out_of_bounds'],
    ['unknown kind', 'sensors/radiation/r-1', { ts: now, values: { x: 1 } }, 'unknown_kind'],
    [
      'injection in the station id',
      'sensors/water_network/a,b=c',
      { ts: now, values: { ph: 7 } },
      'invalid_topic',
    ],
    ['status topic', 'sensors/water_network/wn-1/status', 'online', 'invalid_topic'],
    [
      'oversized',
      topic,
      `{"ts":${now},"values":{"ph":7},"meta":{"pad":"${'x'.repeat(2000)}"}}`,
      'payload_too_large',
    ],
  ])('rejects %s', (_name, t, payload, reason) => {
    expect(decodeMessage(t, enc(payload), ctx)).toMatchObject({ ok: false, reason });
  });

  it('rejects stations the registry does not know, or knows as another kind, and adds registry tags', () => {
    const lookupStation = (id: string): StationInfo | undefined =>
      id === 'wn-1'
        ? { kind: 'water_network', tags: { district: 'limo' } }
        : id === 'aq-1'
          ? { kind: 'air_quality', tags: {} }
          : undefined;
    const withRegistry = { ...ctx, lookupStation };
    expect(
      decodeMessage('sensors/water_network/wn-9', enc({ ts: now, values: { ph: 7 } }), withRegistry),
    ).toMatchObject({ ok: false, reason: 'unknown_station' });
    expect(
      decodeMessage('sensors/water_network/aq-1', enc({ ts: now, values: { ph: 7 } }), withRegistry),
    ).toMatchObject({ ok: false, reason: 'unknown_station' });
    const ok = decodeMessage(topic, enc({ ts: now, values: { ph: 7 } }), withRegistry);
    expect(ok.ok && ok.readings[0]?.tags).toEqual({ district: 'limo' });
  });

  it('tells the format by its shape and gives every format the registry tags', () => {
    const lookupStation = (): StationInfo => ({ kind: 'air_quality', tags: { district: 'beji' } });
    const aq = 'sensors/air_quality/aq-1';
    const senml = decodeMessage(aq, enc([{ n: 'pm25', v: 12 }]), { ...ctx, lookupStation });
    expect(senml).toEqual({
      ok: true,
      readings: [
        { kind: 'air_quality', station: 'aq-1', ts: now, values: { pm25: 12 }, tags: { district: 'beji' } },
      ],
    });
    const community = decodeMessage(
      aq,
      enc({ sensordatavalues: [{ value_type: 'SDS_P2', value: '12.0' }] }),
      {
        ...ctx,
        lookupStation,
      },
    );
    expect(community).toEqual(senml);
    // Both shapes at once is neither: Sensor.Community's schema is strict.
    expect(decodeMessage(aq, enc({ ts: now, values: { pm25: 1 }, sensordatavalues: [] }), ctx)).toMatchObject(
      { ok: false, reason: 'invalid_payload' },
    );
  });
});
