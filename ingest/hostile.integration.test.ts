import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../lib/process/ports.ts';
import { seededRandom } from '../lib/random.ts';
import { influxCount, influxQuery } from '../testkit/influxd.ts';
import { type Pipeline, startPipeline } from '../testkit/pipeline.ts';

const STATION = 'aq-hostile-01';
const TOPIC = `sensors/air_quality/${STATION}`;

type Case = { payload: Buffer; reason: string | undefined; topic?: string };

/** 10,000 hostile payloads in categories, each with the reason the ingest must give (or the broker drop). */
function hostileCases(now: number, count: number): Case[] {
  const random = seededRandom(42);
  const json = (v: unknown) => Buffer.from(JSON.stringify(v));
  const makers: (() => Case)[] = [
    () => ({
      payload: Buffer.concat([
        Buffer.from([0xff]),
        Buffer.from(Array.from({ length: 1 + Math.floor(random() * 200) }, () => Math.floor(random() * 256))),
      ]),
      reason: 'malformed_json',
    }),
    () => ({ payload: Buffer.from('{"ts": 1, "values": {"pm25":'), reason: 'malformed_json' }),
    () => ({ payload: Buffer.from(`{"ts": ${now}, "values": {"pm25": NaN}}`), reason: 'malformed_json' }),
    () => ({ payload: Buffer.from(`{"ts": ${now}, "values": {"pm25": 1e999}}`), reason: 'invalid_payload' }),
    () => ({ payload: json({ ts: now, values: { pm25: '38.4' } }), reason: 'invalid_payload' }),
    () => ({ payload: Buffer.from(`${'['.repeat(5000)}${']'.repeat(5000)}`), reason: 'invalid_payload' }),
    () => ({ payload: json({ ts: now, values: { 'pm25,station=evil x=1': 1 } }), reason: 'unknown_field' }),
    () => ({ payload: json({ ts: now, values: { 'pm"25\n': 1, pm10: 3 } }), reason: 'unknown_field' }),
    () => ({ payload: json({ ts: now, values: { pm25: 1e7 } }), reason: 'out_of_range' }),
    () => ({ payload: json({ ts: 'yesterday', values: { pm25: 3 } }), reason: 'timestamp_out_of_bounds' }),
    () => ({
      payload: json({ ts: now, values: { pm25: 3 } }),
      reason: undefined,
      topic: 'sensors/air_quality/aq-hostile-01,district=x',
    }),
    () => ({
      payload: json({ ts: now, values: { pm25: 3 } }),
      reason: undefined,
      topic: 'sensors/air_quality/other\nstation',
    }),
  ];
  const cases: Case[] = [];
  for (let i = 0; i < count; i++) {
    const make = makers[i % makers.length];
    if (make) cases.push(make());
  }
  // A few 1 MB documents: past the ingest's limit, inside the broker's for this test.
  for (let i = 0; i < 5; i++)
    cases.push({
      payload: json({ ts: now, values: { pm25: 1 }, meta: { pad: 'x'.repeat(1 << 20) } }),
      reason: 'payload_too_large',
    });
  return cases;
}

describe('hostile input', () => {
  let p: Pipeline;
  beforeAll(async () => {
    // One device sends 12,000 messages at once: the broker's flood limit is not what this test is about.
    p = await startPipeline([{ id: STATION, kind: 'air_quality' }], {
      brokerMaxPayloadBytes: 2 << 20,
      brokerLimits: { deviceMessagesPerSecond: 100_000, deviceBurstMessages: 100_000 },
    });
  });
  afterAll(async () => {
    await p?.close();
  });

  it('10,000 hostile payloads mixed with good ones: no crash, every good reading stored, every bad one counted', async () => {
    const now = Date.now();
    const cases = hostileCases(now, 10_000);
    const device = await p.device(STATION);
    const good = 2000;
    const sends: Promise<unknown>[] = [];
    for (let i = 0; i < cases.length; i++) {
      const c = cases[i];
      if (!c) continue;
      sends.push(device.publishAsync(c.topic ?? TOPIC, c.payload, { qos: 1 }));
      if (i % 5 === 0 && i / 5 < good) {
        const ts = now - 3_600_000 + i;
        sends.push(
          device.publishAsync(TOPIC, JSON.stringify({ ts, values: { pm25: 10 + (i % 50), pm10: 20 } }), {
            qos: 1,
          }),
        );
      }
      if (sends.length >= 500) await Promise.all(sends.splice(0));
    }
    await Promise.all(sends);

    await waitFor(
      async () => (await influxCount(p.influx.url, p.database, 'air_quality', 'pm25')) === good,
      30_000,
      'good readings',
    ).catch(async (err: Error) => {
      // Say where they are: received, stored, in the spool.
      const metrics = await p.ingest.metrics.registry.metrics();
      const counts = metrics
        .split('\n')
        .filter((l) =>
          /^ingest_(messages_received|readings_stored|spool_readings|mqtt_connects|duplicates)/.test(l),
        );
      const found = await influxCount(p.influx.url, p.database, 'air_quality', 'pm25');
      // The broker's side: messages accepted, and deliveries it handed to a connection.
      const broker = await p.broker.metrics.registry.metrics();
      const brokerCounts = broker.split('\n').filter((l) => /^broker_messages_(in|out)/.test(l));
      // Which ones: early ones missing would mean the burst began before the ingest had subscribed.
      const stored = await influxQuery(
        p.influx.url,
        `SELECT pm25 FROM air_quality WHERE time >= ${now - 3_600_000}ms AND time < ${now}ms`,
        p.database,
      );
      const at = new Set(
        ((stored.results[0]?.series?.[0]?.values ?? []) as [string, number][]).map(([t]) => Date.parse(t)),
      );
      const missing: number[] = [];
      for (let i = 0; i < 5 * good; i += 5) if (!at.has(now - 3_600_000 + i)) missing.push(i / 5);
      throw new Error(
        `${err.message}: ${found} of ${good} stored (missing good readings ${missing.slice(0, 3).join(', ')} ... ${missing.slice(-3).join(', ')}); ${counts.join(', ')}; broker: ${brokerCounts.join(', ')}`,
      );
    });
    const expected = new Map<string, number>();
    for (const c of cases) if (c.reason) expected.set(c.reason, (expected.get(c.reason) ?? 0) + 1);
    const byReason = async () => {
      const metric = await p.ingest.metrics.rejected.get();
      return new Map(metric.values.map((v) => [String(v.labels.reason), v.value]));
    };
    await waitFor(
      async () => {
        const counted = await byReason();
        return [...expected].every(([r, n]) => counted.get(r) === n);
      },
      10_000,
      'rejections counted',
    );
    expect(Object.fromEntries(await byReason())).toEqual(Object.fromEntries(expected));
    const denied = (await p.broker.metrics.publishDenied.get()).values.find(
      (v) => v.labels.reason === 'acl',
    )?.value;
    expect(denied).toBe(cases.filter((c) => c.topic).length);
    // Still alive and healthy afterwards.
    expect((await fetch(`http://127.0.0.1:${p.ingest.httpPort}/readyz`)).status).toBe(200);
  });
});
