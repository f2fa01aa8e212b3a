import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '../lib/process/ports.ts';
import { influxCount } from '../testkit/influxd.ts';
import { startIngestProcess } from '../testkit/ingest-process.ts';
import { publishSteady } from '../testkit/load.ts';
import { type Pipeline, startPipeline } from '../testkit/pipeline.ts';

// Short versions of the fault drills (issue 3); FAULT_SECONDS stretches the outage for a long run.
const OUTAGE_MS = Number(process.env.FAULT_SECONDS ?? 3) * 1000;
const DEVICES = Array.from({ length: 5 }, (_, i) => ({ id: `wn-fault-${i}`, kind: 'water_network' }));
// 1,000 readings/s from 5 devices is twice the broker's default per-device rate: past its burst, a long
// run (FAULT_SECONDS=30) had readings dropped as `rate_limited`. These drills are not about flood control.
const LIMITS = { deviceMessagesPerSecond: 10_000, deviceBurstMessages: 10_000 };

async function devices(p: Pipeline) {
  return Promise.all(DEVICES.map(async (d) => ({ id: d.id, client: await p.device(d.id) })));
}
const stored = (p: Pipeline) => influxCount(p.influx.url, p.database, 'water_network', 'pressure');

describe('no reading lost under faults', () => {
  let p: Pipeline | undefined;
  afterEach(async () => {
    await p?.close();
    p = undefined;
  });

  it('influxd killed (SIGKILL) under steady load and restarted: every acknowledged reading is stored once', async () => {
    // A long backoff, as deployed: the backlog must still drain as soon as influxd answers again.
    p = await startPipeline(DEVICES, {
      batch: { retryBaseMs: 10_000, retryMaxMs: 60_000 },
      brokerLimits: LIMITS,
    });
    const pipeline = p;
    const clients = await devices(pipeline);
    const load = publishSteady(clients, {
      ratePerSec: 1000,
      durationMs: OUTAGE_MS + 3000,
      baseTs: Date.now() - 600_000,
    });
    await new Promise((r) => setTimeout(r, 1000));
    await pipeline.influx.kill();
    await new Promise((r) => setTimeout(r, OUTAGE_MS));
    // The backlog shows on /metrics while InfluxDB is down (the gauge is not frozen by the retry loop).
    const depth = (await pipeline.ingest.metrics.spoolReadings.get()).values[0]?.value ?? 0;
    expect(depth).toBeGreaterThan(OUTAGE_MS / 2);
    const storedCount = async () => (await pipeline.ingest.metrics.stored.get()).values[0]?.value ?? 0;
    const storedBefore = await storedCount();
    await pipeline.influx.start();
    const backAt = Date.now();
    await waitFor(
      async () => (await storedCount()) > storedBefore,
      4000,
      'the first write after influxd is back',
    );
    expect(Date.now() - backAt).toBeLessThan(4000);
    const result = await load;
    expect(result.failed).toBe(0);
    await waitFor(async () => (await stored(pipeline)) >= result.acked, 30_000, 'backlog drained');
    expect(await stored(pipeline)).toBe(result.acked);
    const retries = await pipeline.ingest.metrics.retries.get();
    expect(retries.values[0]?.value ?? 0).toBeGreaterThan(0);
  });

  it('spool full: acknowledgements stop, the broker holds the rest, nothing is lost after the drain', async () => {
    p = await startPipeline(DEVICES, {
      spool: { maxBytes: 20_000, segmentBytes: 5_000 },
      batch: { retryBaseMs: 100, retryMaxMs: 300 },
      brokerLimits: LIMITS,
    });
    const pipeline = p;
    await pipeline.influx.kill();
    const clients = await devices(pipeline);
    const load = publishSteady(clients, { ratePerSec: 1000, durationMs: 2000, baseTs: Date.now() - 600_000 });
    await waitFor(
      async () => ((await pipeline.ingest.metrics.spoolFull.get()).values[0]?.value ?? 0) > 0,
      10_000,
      'spool full',
    );
    const spoolBytes = (await pipeline.ingest.metrics.spoolBytes.get()).values[0]?.value ?? 0;
    expect(spoolBytes).toBeLessThan(40_000);
    await pipeline.influx.start();
    const result = await load;
    await waitFor(async () => (await stored(pipeline)) >= result.acked, 30_000, 'backlog drained');
    expect(result.acked).toBe(2000);
    expect(await stored(pipeline)).toBe(2000);
  });

  it('the ingest worker killed with SIGKILL mid-stream and restarted: nothing lost', async () => {
    p = await startPipeline(DEVICES, { brokerLimits: LIMITS });
    const pipeline = p;
    // The in-process worker steps aside; a separate process with its own spool takes the session over.
    await pipeline.ingest.close();
    const spoolDir = await mkdtemp(join(tmpdir(), 'ingest-spool-'));
    const env = {
      MQTT_URL: pipeline.mqttUrl,
      MQTT_PASSWORD: pipeline.secrets.get('ingest') ?? '',
      MQTT_CLIENT_ID: 'ingest',
      INFLUX_URL: pipeline.influx.url,
      INFLUX_DATABASE: pipeline.database,
      REGISTRY_PATH: pipeline.registryPath,
      INGEST_SPOOL_DIR: spoolDir,
      INGEST_FLUSH_INTERVAL_MS: '50',
    };
    let worker = await startIngestProcess(env);
    const clients = await devices(pipeline);
    const load = publishSteady(clients, { ratePerSec: 1000, durationMs: 3000, baseTs: Date.now() - 600_000 });
    await new Promise((r) => setTimeout(r, 1200));
    await worker.kill('SIGKILL');
    await new Promise((r) => setTimeout(r, 500));
    worker = await startIngestProcess(env);
    const result = await load;
    await waitFor(async () => (await stored(pipeline)) >= result.acked, 30_000, 'all readings stored');
    expect(await stored(pipeline)).toBe(result.acked);
    await worker.kill('SIGTERM');
    await rm(spoolDir, { recursive: true, force: true });
  });

  it('stops promptly when the broker is gone, keeping what it holds in the spool', async () => {
    p = await startPipeline(DEVICES, { batch: { flushIntervalMs: 5000 }, brokerLimits: LIMITS });
    const pipeline = p;
    const clients = await devices(pipeline);
    await publishSteady(clients, { ratePerSec: 1000, durationMs: 500, baseTs: Date.now() - 600_000 });
    await pipeline.broker.close(); // with the normalized readings still in flight to it
    const started = Date.now();
    await pipeline.ingest.close();
    expect(Date.now() - started).toBeLessThan(8000);
  });
});
