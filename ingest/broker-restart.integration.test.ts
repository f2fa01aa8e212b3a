import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { type MqttClient, type Packet } from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../lib/log.ts';
import { waitFor } from '../lib/process/ports.ts';
import { startBrokerProcess } from '../testkit/broker-process.ts';
import { influxCount, influxQuery, startLocalInfluxd } from '../testkit/influxd.ts';
import { publishSteady } from '../testkit/load.ts';
import { makeRegistry } from '../testkit/pipeline.ts';
import { IngestConfigSchema } from './config.ts';
import { startIngest } from './service.ts';

// Issue "no reading lost under faults": the broker killed (SIGKILL) and restarted with its persistence on
// (level, on disk): nothing it acknowledged is lost.
const DEVICES = Array.from({ length: 10 }, (_, i) => ({ id: `wn-restart-${i}`, kind: 'water_network' }));
const DATABASE = 'environment';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => {});
});

describe('no reading lost under faults', () => {
  it.each(['journal', 'level'])(
    'broker killed (SIGKILL) mid-stream and restarted on its %s data: every acknowledged reading is stored once',
    async (persistence) => {
      const influx = await startLocalInfluxd();
      cleanups.push(() => influx.stop());
      await influxQuery(influx.url, `CREATE DATABASE "${DATABASE}"`);
      const registry = await makeRegistry(DEVICES);
      cleanups.push(registry.cleanup);
      const brokerData = await mkdtemp(join(tmpdir(), `broker-${persistence}-`));
      cleanups.push(() => rm(brokerData, { recursive: true, force: true }));

      const broker = await startBrokerProcess({
        REGISTRY_PATH: registry.path,
        BROKER_PERSISTENCE: persistence,
        BROKER_PERSISTENCE_DIR: brokerData,
        BROKER_WATCH_REGISTRY: 'false',
        // This drill is about persistence, not flood control: the devices' resend burst after the restart
        // must not be rate-limited (a dropped publish is acknowledged and gone, by design).
        BROKER_DEVICE_MESSAGES_PER_SECOND: '10000',
        BROKER_DEVICE_BURST_MESSAGES: '10000',
      });
      cleanups.push(() => broker.kill('SIGKILL'));

      // Persistent session (clean: false), reconnecting every second: what the broker queued for it survives.
      const ingest = await startIngest(
        IngestConfigSchema.parse({
          mqtt: { url: broker.url, password: registry.secrets.get('ingest'), clientId: 'ingest' },
          influx: { version: 1, url: influx.url, database: DATABASE },
          http: { port: -1 },
          batch: { flushIntervalMs: 50 },
          spool: { dir: join(registry.dir, 'spool') },
          registryPath: registry.path,
        }),
        silentLogger(),
      );
      cleanups.push(() => ingest.close());
      await waitFor(() => ingest.isSubscribed(), 10_000, 'ingest subscribed');

      // Devices reconnect on their own and resend every QoS 1 publish not yet acknowledged (mqtt.js keeps
      // them in its outgoing store); publishes made while the broker is down wait there too.
      const clients = await Promise.all(
        DEVICES.map(async ({ id }) => {
          const client: MqttClient = await mqtt.connectAsync(broker.url, {
            clientId: id,
            username: id,
            password: registry.secrets.get(id),
            reconnectPeriod: 200,
            connectTimeout: 2000,
          });
          client.on('error', () => {}); // ECONNREFUSED while the broker is down: mqtt.js retries
          cleanups.push(() => client.endAsync(true));
          return { id, client };
        }),
      );

      const stored = () => influxCount(influx.url, DATABASE, 'water_network', 'pressure');
      const baseTs = Date.now() - 600_000;
      const load = publishSteady(clients, { ratePerSec: 1000, durationMs: 6000, baseTs });
      // Kill once readings are flowing end to end, so messages are in flight at every stage.
      await waitFor(async () => (await stored()) >= 1000, 15_000, 'readings flowing');
      // SIGKILL as a PUBACK arrives: the instant the broker has just told a device that a reading is safe.
      const device = clients[0]?.client as MqttClient;
      await new Promise<void>((resolve) => {
        const onPacket = (packet: Packet) => {
          if (packet.cmd !== 'puback') return;
          device.off('packetreceive', onPacket);
          resolve(broker.kill('SIGKILL'));
        };
        device.on('packetreceive', onPacket);
      });
      await broker.start();
      const result = await load;

      // Every publish ended acknowledged (resent after the restart where needed): none failed.
      expect(result.failed).toBe(0);
      expect(result.acked).toBe(result.sent);
      // On a failure, fall through to the assertion below: it says how many readings are missing.
      await waitFor(
        async () => (await stored()) >= result.acked,
        20_000,
        'every acknowledged reading stored',
      ).catch(() => {});
      // Each reading has its own device time (baseTs + index): a replay overwrites its point, a loss leaves
      // a hole. Exactly the sent set, each once.
      const rows = await influxQuery(influx.url, 'SELECT "pressure" FROM "water_network"', DATABASE);
      const times = (rows.results[0]?.series ?? []).flatMap((s) =>
        s.values.map((v) => Date.parse(String(v[0]))),
      );
      const seen = new Set(times);
      const missing = Array.from({ length: result.sent }, (_, i) => baseTs + i).filter((ts) => !seen.has(ts));
      const unexpected = times.filter((ts) => ts < baseTs || ts >= baseTs + result.sent);
      expect({
        stored: times.length,
        distinct: seen.size,
        missing: missing.length,
        unexpected: unexpected.length,
      }).toEqual({
        stored: result.acked,
        distinct: result.acked,
        missing: 0,
        unexpected: 0,
      });
    },
  );
});
