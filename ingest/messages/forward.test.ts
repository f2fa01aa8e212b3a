import type { MqttClient } from 'mqtt';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../lib/log.ts';
import type { Reading } from '../core/reading.ts';
import { createIngestMetrics } from '../metrics.ts';
import { createForward } from './forward.ts';

type Sent = { topic: string; body: string; qos: number; done?: (err?: Error) => void };

function setup() {
  const client = { disconnecting: false, disconnected: false } as MqttClient;
  const sent: Sent[] = [];
  const metrics = createIngestMetrics();
  const forward = createForward(
    client,
    (topic, body, qos, done) => sent.push({ topic, body, qos, done }),
    1,
    metrics,
    silentLogger(),
    { maxInFlight: 2, maxWaiting: 3 },
  );
  const value = async (name: string) =>
    (await metrics.registry.getSingleMetric(name)?.get())?.values[0]?.value ?? 0;
  return { client, sent, forward, value };
}

const reading = (seq: number): Reading => ({
  kind: 'water_network',
  station: 'wn-01',
  ts: 1_800_000_000_000 + seq,
  values: { pressure: 2.5 },
  tags: {},
  seq,
});
const seqs = (sent: Sent[]) => sent.map((s) => (JSON.parse(s.body) as { seq: number }).seq);

describe('forward to the flows (QoS 1, bounded)', () => {
  it('keeps at most maxInFlight unacknowledged, the next in order waiting, and counts what is past both', async () => {
    const { sent, forward, value } = setup();
    forward([0, 1, 2, 3, 4, 5].map(reading));
    expect(sent.map((s) => [s.topic, s.qos])).toEqual([
      ['readings/water_network/wn-01', 1],
      ['readings/water_network/wn-01', 1],
    ]);
    expect(await value('ingest_forwards_pending')).toBe(5);
    expect(await value('ingest_readings_not_forwarded_total')).toBe(1);

    sent[0]?.done?.();
    expect(seqs(sent)).toEqual([0, 1, 2]);
    for (let i = 1; i < 4; i++) sent[i]?.done?.();
    expect(seqs(sent)).toEqual([0, 1, 2, 3, 4]);
    sent[4]?.done?.();
    expect(await value('ingest_forwards_pending')).toBe(0);

    // Room again: a new reading goes out at once.
    forward([reading(6)]);
    expect(seqs(sent)).toEqual([0, 1, 2, 3, 4, 6]);
  });

  it('counts what is pending when the worker stops, once, instead of publishing it', async () => {
    const { client, sent, forward, value } = setup();
    forward([0, 1, 2, 3].map(reading));
    (client as { disconnecting: boolean }).disconnecting = true;
    sent[0]?.done?.(new Error('Connection closed'));
    expect(seqs(sent)).toEqual([0, 1]);
    // The failed one and the two waiting.
    expect(await value('ingest_readings_not_forwarded_total')).toBe(3);
    sent[1]?.done?.();
    expect(await value('ingest_forwards_pending')).toBe(0);
  });
});
