import { createConnection, type Socket } from 'node:net';
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../lib/process/ports.ts';
import { connectPacket, remainingLength, startTestBroker, type TestBroker } from '../testkit/broker.ts';
import type { BrokerMetrics } from './metrics.ts';

async function counter(metric: BrokerMetrics[keyof BrokerMetrics], reason: string): Promise<number> {
  const { values } = await (metric as BrokerMetrics['publishDenied']).get();
  return values.find((v) => v.labels.reason === reason)?.value ?? 0;
}

/** Time for a reading from `device` to reach `watcher`, QoS 1. */
async function roundTrip(device: MqttClient, watcher: MqttClient, topic: string): Promise<number> {
  const started = performance.now();
  const marker = `${Math.random()}`;
  const arrived = new Promise<void>((resolve) => {
    const onMessage = (t: string, payload: Buffer) => {
      if (t === topic && payload.toString() === marker) {
        watcher.off('message', onMessage);
        resolve();
      }
    };
    watcher.on('message', onMessage);
  });
  await device.publishAsync(topic, marker, { qos: 1 });
  await arrived;
  return performance.now() - started;
}

function openSocket(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ host: '127.0.0.1', port }, () => resolve(socket));
    socket.once('error', reject);
  });
}

describe('limits: one misbehaving device cannot hurt the rest', () => {
  let t: TestBroker;
  let good: MqttClient;
  let ingest: MqttClient;
  const goodTopic = 'sensors/air_quality/aq-good';

  beforeAll(async () => {
    t = await startTestBroker(
      [
        { id: 'aq-good', kind: 'air_quality' },
        { id: 'aq-big', kind: 'air_quality' },
        { id: 'aq-flood', kind: 'air_quality' },
      ],
      { maxPayloadBytes: 4096, limits: { deviceMessagesPerSecond: 50, deviceBurstMessages: 100 } },
    );
    good = await t.connect('aq-good');
    ingest = await t.connect('ingest');
    await ingest.subscribeAsync('sensors/+/+', { qos: 1 });
  });
  afterAll(async () => t?.close());

  it('drops and counts a payload over the limit; the device stays connected', async () => {
    const big = await t.connect('aq-big');
    await big.publishAsync('sensors/air_quality/aq-big', Buffer.alloc(4097), { qos: 1 });
    expect(await counter(t.broker.metrics.publishDenied, 'payload_too_large')).toBe(1);
    expect(big.connected).toBe(true);
  });

  it('closes a connection announcing a 100 MB packet after its header, not after 100 MB', async () => {
    const socket = await openSocket(t.broker.port);
    const password = t.secrets.get('aq-big');
    socket.write(connectPacket({ clientId: 'aq-big:raw', username: 'aq-big', password, clean: true }));
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    socket.on('error', () => {});
    let isClosed = false;
    closed.then(() => {
      isClosed = true;
    });
    const size = 100 * 1024 * 1024;
    const name = Buffer.from('sensors/air_quality/aq-big');
    const topic = Buffer.concat([Buffer.from([0, name.length]), name]);
    socket.write(Buffer.concat([Buffer.from([0x30]), remainingLength(size + topic.length), topic]));
    let sent = 0;
    const chunk = Buffer.alloc(64 * 1024);
    const latencies: number[] = [];
    while (!isClosed && sent < size) {
      if (!socket.write(chunk)) await Promise.race([new Promise((r) => socket.once('drain', r)), closed]);
      sent += chunk.length;
      if (sent % (1024 * 1024) === 0) latencies.push(await roundTrip(good, ingest, goodTopic));
    }
    await closed;
    expect(sent).toBeLessThan(8 * 1024 * 1024);
    expect(await counter(t.broker.metrics.disconnects, 'packet_too_large')).toBe(1);
    latencies.push(await roundTrip(good, ingest, goodTopic));
    expect(Math.max(...latencies)).toBeLessThan(1000);
  });

  it('drops a flood over the rate, then disconnects the device; other devices are not delayed', async () => {
    const flood = await t.connect('aq-flood');
    const closed = new Promise<void>((resolve) => flood.once('close', () => resolve()));
    let floodDone = false;
    const floodLoop = (async () => {
      for (let i = 0; i < 20_000 && flood.connected; i++) {
        flood.publish('sensors/air_quality/aq-flood', '{}', { qos: 0 });
        if (i % 500 === 0) await new Promise((r) => setImmediate(r));
      }
      floodDone = true;
    })();
    const latencies: number[] = [];
    while (!floodDone) latencies.push(await roundTrip(good, ingest, goodTopic));
    await Promise.all([closed, floodLoop]);
    expect(await counter(t.broker.metrics.publishDenied, 'rate_limited')).toBeGreaterThan(0);
    expect(await counter(t.broker.metrics.disconnects, 'flood')).toBe(1);
    expect(Math.max(...latencies)).toBeLessThan(1000);
  });
});

describe('limits: connections per source address', () => {
  let t: TestBroker;
  beforeAll(async () => {
    t = await startTestBroker([], { limits: { connectionsPerAddress: 5 } });
  });
  afterAll(async () => t?.close());

  it('closes the connection over the limit at once and counts it', async () => {
    const sockets = await Promise.all(Array.from({ length: 5 }, () => openSocket(t.broker.port)));
    const extra = await openSocket(t.broker.port);
    await new Promise<void>((resolve) => extra.once('close', () => resolve()));
    expect(await counter(t.broker.metrics.connectsRefused, 'too_many_connections_from_address')).toBe(1);
    expect(sockets.every((s) => !s.destroyed)).toBe(true);
    // A slot frees when a connection closes.
    sockets[0]?.destroy();
    await waitFor(
      async () => {
        const again = await openSocket(t.broker.port);
        await new Promise((r) => setTimeout(r, 50));
        const open = !again.destroyed && again.readyState === 'open';
        again.destroy();
        return open;
      },
      5000,
      'a free slot',
    );
    for (const s of sockets) s.destroy();
  });
});
