import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { dirname, join, resolve } from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../lib/log.ts';
import { nodeBinary, waitFor } from '../lib/process/ports.ts';
import { startIngestProcess } from '../testkit/ingest-process.ts';
import { type Pipeline, startPipeline } from '../testkit/pipeline.ts';
import { IngestConfigSchema } from './config.ts';
import { startIngest } from './service.ts';

// Issue 13, item 3: two stacks started from one checkout appended to one spool segment, and 173
// acknowledged readings were left in it after stop. One writer per folder; a stop says what it leaves.

const WN = 'wn-lock-01';

describe('the ingest spool has one writer', () => {
  let p: Pipeline | undefined;
  afterEach(async () => {
    await p?.close();
    p = undefined;
  });

  const config = (pipeline: Pipeline, spoolDir: string) =>
    IngestConfigSchema.parse({
      mqtt: { url: pipeline.mqttUrl, password: pipeline.secrets.get('ingest'), clientId: 'ingest:2' },
      influx: { version: 1, url: pipeline.influx.url, database: pipeline.database },
      http: { port: -1 },
      spool: { dir: spoolDir },
      registryPath: pipeline.registryPath,
    });

  it('a second ingest on the same spool folder refuses to start, naming the folder and the pid', async () => {
    p = await startPipeline([{ id: WN, kind: 'water_network' }]);
    const pipeline = p;
    const spoolDir = join(dirname(pipeline.registryPath), 'spool');
    const env = {
      MQTT_URL: pipeline.mqttUrl,
      MQTT_PASSWORD: pipeline.secrets.get('ingest') ?? '',
      MQTT_CLIENT_ID: 'ingest:2',
      INFLUX_URL: pipeline.influx.url,
      INFLUX_DATABASE: pipeline.database,
      REGISTRY_PATH: pipeline.registryPath,
      INGEST_SPOOL_DIR: spoolDir,
    };
    // Another process (ingest/main.ts, as `npm run ingest` runs it): it exits at once with the message,
    // code and hint (startIngestProcess would wait for a readiness that never comes).
    const child = spawn(nodeBinary(), [resolve(import.meta.dirname, 'main.ts')], {
      env: { ...process.env, ...env, INGEST_HTTP_PORT: '0', LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const exited = once(child, 'exit').then(([code]) => code as number | null);
    const code = await Promise.race([
      exited,
      new Promise((done) => setTimeout(done, 10_000, 'still running')),
    ]);
    child.kill('SIGKILL'); // a no-op once it has exited; otherwise this test must not leave it behind
    expect(code).toBe(1);
    expect(stderr).toBe(
      `ingest: the ingest spool ${spoolDir} is in use by process ${process.pid}: another ingest worker writes to it [SPOOL_IN_USE]\n` +
        'hint: each ingest worker needs its own INGEST_SPOOL_DIR: stop the other worker, or give this one another folder\n',
    );
    // The same process (a second startIngest): refused as well (the lock file holds our own pid).
    await expect(startIngest(config(pipeline, spoolDir), silentLogger())).rejects.toThrow(
      `the ingest spool ${spoolDir} is in use by process ${process.pid}`,
    );

    // Once the first has stopped, the folder is free.
    await pipeline.ingest.close();
    const second = await startIngestProcess(env);
    await second.kill('SIGTERM');
  });

  it('a stop with InfluxDB down logs at warn exactly how many readings stay in the spool, and where', async () => {
    p = await startPipeline([{ id: WN, kind: 'water_network' }], {
      batch: { retryBaseMs: 100, retryMaxMs: 300 },
    });
    const pipeline = p;
    await pipeline.ingest.close(); // this test's worker takes the session, with a log it can read
    const spoolDir = join(dirname(pipeline.registryPath), 'spool-2');
    const logged: { level: number; msg: string; undrained?: number; dir?: string }[] = [];
    const log = pino({ level: 'info' }, { write: (line: string) => logged.push(JSON.parse(line)) });
    const ingest = await startIngest(config(pipeline, spoolDir), log);
    try {
      await waitFor(() => ingest.isSubscribed(), 10_000, 'the worker subscribed');
      await pipeline.influx.kill();
      const device = await pipeline.device(WN);
      const base = Date.now() - 60_000;
      for (let i = 0; i < 23; i++)
        await device.publishAsync(
          `sensors/water_network/${WN}`,
          JSON.stringify({ ts: base + i, values: { pressure: 2 } }),
          { qos: 1 },
        );
      // The broker acknowledged the device; its delivery to the worker follows.
      const received = async () => (await ingest.metrics.received.get()).values[0]?.value ?? 0;
      await waitFor(async () => (await received()) === 23, 10_000, 'the worker received every reading');
      // Each is in the spool (the group commit appends a moment after receipt), and the gauge says so.
      const spooled = async () => (await ingest.metrics.spoolReadings.get()).values[0]?.value;
      await waitFor(async () => (await spooled()) === 23, 10_000, 'the gauge at 23');
      expect(await spooled()).toBe(23);
    } finally {
      await ingest.close();
    }
    const warning = logged.find((l) => l.level === 40 && l.undrained !== undefined);
    expect(warning).toMatchObject({ undrained: 23, dir: spoolDir });
    await pipeline.influx.start();
  });
});
