import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../lib/log.ts';
import { waitFor } from '../lib/process/ports.ts';
import { influxCount, influxQuery, type LocalInfluxd, startLocalInfluxd } from '../testkit/influxd.ts';
import { type LocalMosquitto, startLocalMosquitto } from '../testkit/mosquitto.ts';
import { IngestConfigSchema } from './config.ts';
import { type IngestService, startIngest } from './service.ts';

describe('several workers share one stream on an MQTT 5 broker (Mosquitto, $share)', () => {
  let influx: LocalInfluxd;
  let mosquitto: LocalMosquitto;
  let dir: string;
  const workers: IngestService[] = [];

  beforeAll(async () => {
    influx = await startLocalInfluxd();
    await influxQuery(influx.url, 'CREATE DATABASE shared');
    mosquitto = await startLocalMosquitto({ ingest: 'ingest-secret', station: 'station-secret' });
    dir = await mkdtemp(join(tmpdir(), 'shared-'));
    for (const n of [1, 2]) {
      workers.push(
        await startIngest(
          IngestConfigSchema.parse({
            mqtt: {
              url: mosquitto.url,
              password: 'ingest-secret',
              clientId: `ingest-${n}`,
              subscription: '$share/ingest/sensors/+/+',
              protocolVersion: 5,
            },
            influx: { version: 1, url: influx.url, database: 'shared' },
            http: { port: -1 },
            batch: { flushIntervalMs: 50 },
            spool: { dir: join(dir, `worker-${n}`) },
          }),
          silentLogger(),
        ),
      );
    }
  });
  afterAll(async () => {
    for (const w of workers) await w.close();
    await mosquitto?.stop();
    await influx?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('stores every reading once and spreads them over both workers', async () => {
    const station = await mqtt.connectAsync(mosquitto.url, {
      username: 'station',
      password: 'station-secret',
      protocolVersion: 5,
    });
    // Both workers must have subscribed before we publish: a shared group only gets what arrives after.
    await waitFor(() => workers.every((w) => w.isSubscribed()), 10_000, 'workers subscribed');
    const base = Date.now() - 600_000;
    const sends = [];
    for (let i = 0; i < 2000; i++) {
      const topic = `sensors/water_network/wn-shared-${i % 10}`;
      sends.push(
        station.publishAsync(topic, JSON.stringify({ ts: base + i, values: { pressure: 2.5 } }), { qos: 1 }),
      );
    }
    await Promise.all(sends);
    await waitFor(
      async () => (await influxCount(influx.url, 'shared', 'water_network', 'pressure')) === 2000,
      20_000,
      'all stored',
    );
    const received = await Promise.all(
      workers.map(async (w) => (await w.metrics.received.get()).values[0]?.value ?? 0),
    );
    expect(received[0]).toBeGreaterThan(0);
    expect(received[1]).toBeGreaterThan(0);
    expect((received[0] ?? 0) + (received[1] ?? 0)).toBe(2000);
    await station.endAsync();
  });
});
