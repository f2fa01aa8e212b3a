import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../lib/log.ts';
import { freePort, waitFor } from '../lib/process/ports.ts';
import { makeRegistry } from '../testkit/pipeline.ts';
import { type BrokerConfigInput, BrokerConfigSchema } from './config.ts';
import { startBroker } from './service.ts';

const root = resolve(import.meta.dirname, '..');
// The project's Node 24 runs .ts directly; vitest itself may run under an older node on PATH.
const node = existsSync(join(root, 'node_modules/.bin/node'))
  ? join(root, 'node_modules/.bin/node')
  : process.execPath;

type Registry = Awaited<ReturnType<typeof makeRegistry>>;
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function account(
  registry: Registry,
  port: number,
  name: string,
  options: mqtt.IClientOptions = {},
): MqttClient {
  const client = mqtt.connect(`mqtt://127.0.0.1:${port}`, {
    clientId: name,
    username: name,
    password: registry.secrets.get(name),
    reconnectPeriod: 0,
    ...options,
  });
  cleanups.push(() => client.endAsync(true));
  return client;
}

/** Opens ingest's persistent session (QoS 1 on sensors/+/+), then leaves: what arrives next is queued. */
async function persistentSubscriber(registry: Registry, port: number): Promise<void> {
  const client = account(registry, port, 'ingest', { clean: false });
  await new Promise((r) => client.once('connect', r));
  await client.subscribeAsync('sensors/+/+', { qos: 1 });
  await client.endAsync();
}

/** Reconnects ingest's session with the handler installed first (queued messages come right after CONNACK). */
function collect(registry: Registry, port: number): string[] {
  const received: string[] = [];
  const client = account(registry, port, 'ingest', { clean: false });
  client.on('message', (_topic, payload) => received.push(payload.toString()));
  return received;
}

/** A registry with one air-quality station and a broker config on it (free port, no HTTP), removed after the test. */
async function stationAndConfig(
  station: string,
  persistence: BrokerConfigInput['persistence'],
  limits?: BrokerConfigInput['limits'],
) {
  const registry = await makeRegistry([{ id: station, kind: 'air_quality' }]);
  cleanups.push(registry.cleanup);
  const config = BrokerConfigSchema.parse({
    port: 0,
    httpPort: -1,
    registryPath: registry.path,
    persistence,
    limits,
  });
  return { registry, config };
}

// Both on-disk persistences pass the same drills: journal (the default) and level.
describe.each(['journal', 'level'] as const)('persistence on disk (%s)', (type) => {
  it('keeps queued QoS 1 messages and retained status across a broker restart', async () => {
    const { registry, config } = await stationAndConfig('aq-persist-01', { type });
    let broker = await startBroker(config, silentLogger());
    await persistentSubscriber(registry, broker.port);
    const device = account(registry, broker.port, 'aq-persist-01');
    await new Promise((r) => device.once('connect', r));
    const sent = Array.from({ length: 100 }, (_, i) => `{"seq":${i}}`);
    await Promise.all(
      sent.map((m) => device.publishAsync('sensors/air_quality/aq-persist-01', m, { qos: 1 })),
    );
    await device.endAsync();
    if (type === 'journal') {
      // What the journal holds in RAM is on /metrics, so operators can alert before memory runs out.
      expect(await gauge(broker, 'broker_queued_messages')).toBe(sent.length);
    }
    await broker.close();

    broker = await startBroker(config, silentLogger());
    cleanups.push(() => broker.close());
    // Replayed from the journal, counted again.
    if (type === 'journal') expect(await gauge(broker, 'broker_queued_messages')).toBe(sent.length);
    const received = collect(registry, broker.port);
    await waitFor(() => received.length >= sent.length, 10_000, 'queued messages after restart');
    expect(received.sort()).toEqual([...sent].sort());

    const flows = account(registry, broker.port, 'flows');
    const status = new Promise<string>((r) => flows.on('message', (_t, p) => r(p.toString())));
    await flows.subscribeAsync('sensors/+/+/status', { qos: 1 });
    expect(await status).toBe('offline'); // retained from the device's clean leave, before the restart
  });

  it('delivers every message of a burst live to a persistent session (none overtaken and dropped)', async () => {
    // Regression: level writes finish out of order and aedes's per-client dedupe dropped the overtaken ones.
    const { registry, config } = await stationAndConfig('aq-burst-01', { type });
    const broker = await startBroker(config, silentLogger());
    cleanups.push(() => broker.close());
    const received = new Set<string>();
    const ingest = account(registry, broker.port, 'ingest', { clean: false });
    ingest.on('message', (_topic, payload) => received.add(payload.toString()));
    await new Promise((r) => ingest.once('connect', r));
    await ingest.subscribeAsync('sensors/+/+', { qos: 1 });
    const device = account(registry, broker.port, 'aq-burst-01');
    await new Promise((r) => device.once('connect', r));
    const sent = Array.from({ length: 800 }, (_, i) => `{"seq":${i}}`);
    // The subscriber publishes too, as ingest does: its own QoS 1 messages interleave with the device's.
    await Promise.all(
      sent.flatMap((m) => [
        device.publishAsync('sensors/air_quality/aq-burst-01', m, { qos: 1 }),
        ingest.publishAsync('readings/air_quality/aq-burst-01', m, { qos: 1 }),
      ]),
    );
    await waitFor(() => received.size === sent.length, 10_000, 'every message of the burst');
    expect([...received].sort()).toEqual([...sent].sort());
  });

  it('loses no message acknowledged just before a SIGKILL of the broker', async () => {
    const registry = await makeRegistry([{ id: 'aq-kill-01', kind: 'air_quality' }]);
    cleanups.push(registry.cleanup);
    const port = await freePort();
    const env = {
      ...process.env,
      REGISTRY_PATH: registry.path,
      BROKER_PORT: String(port),
      BROKER_HTTP_PORT: '-1',
      BROKER_WATCH_REGISTRY: 'false',
      BROKER_PERSISTENCE: type,
      LOG_LEVEL: 'warn',
    };
    let child: ChildProcess | undefined;
    const spawnBroker = async () => {
      child = spawn(node, [join(root, 'broker/main.ts')], { env, stdio: 'ignore' });
      const proc = child;
      cleanups.push(async () => proc.kill('SIGKILL'));
      await waitFor(
        async () => {
          const probe = mqtt.connect(`mqtt://127.0.0.1:${port}`, { reconnectPeriod: 0, connectTimeout: 500 });
          try {
            return await new Promise<boolean>((r) => {
              probe.once('connect', () => r(true));
              probe.once('error', (err) => r((err as { code?: unknown }).code === 5));
              probe.once('close', () => r(false));
            });
          } finally {
            probe.end(true);
          }
        },
        15_000,
        'the broker process',
      );
    };
    await spawnBroker();
    await persistentSubscriber(registry, port);

    const device = account(registry, port, 'aq-kill-01');
    await new Promise((r) => device.once('connect', r));
    const acked: string[] = [];
    const exited = new Promise((r) => child?.once('exit', r));
    for (let i = 0; i < 400; i++) {
      const payload = `{"seq":${i}}`;
      // The callback runs as the PUBACK is read; the 50th kills the broker while later messages are in flight.
      device.publish('sensors/air_quality/aq-kill-01', payload, { qos: 1 }, (err) => {
        if (err) return;
        acked.push(payload);
        if (acked.length === 50) child?.kill('SIGKILL');
      });
    }
    await exited;
    const mustSurvive = [...acked];
    device.end(true);

    await spawnBroker();
    const received = collect(registry, port);
    await waitFor(() => mustSurvive.every((m) => received.includes(m)), 10_000, 'every acknowledged message');
    expect(mustSurvive.length).toBeGreaterThanOrEqual(50);
  });
});

/**
 * A journal broker bounded at `max` queued messages, the ingest's session opened and left, and a device
 * that publishes `count` QoS 1 messages at once; `acked` counts the PUBACKs as they come.
 */
async function boundedBurst(station: string, max: number, count: number) {
  const { registry, config } = await stationAndConfig(
    station,
    { type: 'journal' },
    { maxQueuedMessages: max },
  );
  const broker = await startBroker(config, silentLogger());
  cleanups.push(() => broker.close());
  await persistentSubscriber(registry, broker.port);
  const device = account(registry, broker.port, station);
  await new Promise((r) => device.once('connect', r));
  const progress = { acked: 0 };
  const sent = Array.from({ length: count }, (_, i) => `{"seq":${i}}`);
  const all = Promise.all(
    sent.map((m) =>
      device.publishAsync(`sensors/air_quality/${station}`, m, { qos: 1 }).then(() => {
        progress.acked++;
      }),
    ),
  );
  await waitFor(() => progress.acked >= max, 5000, `the first ${max} acknowledged`);
  return { registry, broker, sent, progress, all };
}

const gauge = async (broker: { metrics: { registry: { metrics(): Promise<string> } } }, name: string) =>
  Number(new RegExp(`^${name} (\\d+)`, 'm').exec(await broker.metrics.registry.metrics())?.[1]);

describe('journal queue bound (BROKER_MAX_QUEUED_MESSAGES)', () => {
  it('holds devices PUBACKs past the bound, never services, and lets them through once the queue drains', async () => {
    const { registry, broker, sent, progress, all } = await boundedBurst('aq-bound-01', 50, 80);
    await new Promise((r) => setTimeout(r, 500));
    expect(progress.acked).toBeLessThan(sent.length); // the rest wait: nothing acknowledged is dropped
    expect(await gauge(broker, 'broker_publish_held_total')).toBeGreaterThan(0);

    // A service's publish is not held (the ingest's dead letters share its connection with its PUBACKs).
    const flows = account(registry, broker.port, 'flows');
    await new Promise((r) => flows.once('connect', r));
    await flows.publishAsync('alerts/air_quality/aq-bound-01/pm25', '{"state":"active"}', { qos: 1 });

    // The subscriber comes back and acknowledges: the queue drains and the held publishes go through.
    const received = collect(registry, broker.port);
    await all;
    await waitFor(() => new Set(received).size === sent.length, 10_000, 'every message delivered');
    expect([...new Set(received)].sort()).toEqual([...sent].sort());
  });

  it('bounds what services publish per absent session (BROKER_MAX_QUEUED_SERVICE_MESSAGES), counted', async () => {
    const { registry, config } = await stationAndConfig(
      'aq-bound-03',
      { type: 'journal' },
      { maxQueuedServiceMessages: 5 },
    );
    const broker = await startBroker(config, silentLogger());
    cleanups.push(() => broker.close());
    const away = account(registry, broker.port, 'flows', { clean: false });
    await new Promise((r) => away.once('connect', r));
    await away.subscribeAsync('readings/#', { qos: 1 });
    await away.endAsync();
    // The ingest's forwards while Node-RED is away: all acknowledged (services are never held), five kept.
    const ingest = account(registry, broker.port, 'ingest');
    await new Promise((r) => ingest.once('connect', r));
    const topic = 'readings/air_quality/aq-bound-03';
    for (let i = 0; i < 8; i++) await ingest.publishAsync(topic, `{"seq":${i}}`, { qos: 1 });
    expect(await gauge(broker, 'broker_queue_dropped_total')).toBe(3);
    expect(await gauge(broker, 'broker_queued_messages')).toBe(5);

    // Back: the queue arrives, then a connected session gets everything, bound or not.
    const received: string[] = [];
    const back = account(registry, broker.port, 'flows', { clean: false });
    back.on('message', (_topic, payload) => received.push(payload.toString()));
    await waitFor(() => received.length === 5, 5000, 'the five queued');
    for (let i = 8; i < 16; i++) await ingest.publishAsync(topic, `{"seq":${i}}`, { qos: 1 });
    await waitFor(() => received.length === 13, 5000, 'the live ones');
    const seqs = [0, 1, 2, 3, 4, ...Array.from({ length: 8 }, (_, i) => i + 8)];
    expect(received).toEqual(seqs.map((i) => `{"seq":${i}}`));
    expect(await gauge(broker, 'broker_queue_dropped_total')).toBe(3);
  });

  it('frees the bound when a session that will not come back is cleaned (connect once with clean=true)', async () => {
    const { registry, broker, sent, progress, all } = await boundedBurst('aq-bound-02', 20, 40);
    expect(progress.acked).toBeLessThan(sent.length);
    const cleaner = account(registry, broker.port, 'ingest', { clean: true });
    await new Promise((r) => cleaner.once('connect', r));
    await cleaner.endAsync();
    await all; // the held publishes went through
    expect(await gauge(broker, 'broker_queued_messages')).toBe(0); // and nothing is queued for that session
  });
});
