import { type ChildProcess, spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import mqtt from 'mqtt';
import { freePort, nodeBinary, waitFor } from '../lib/process/ports.ts';
import type { BenchSection } from '../testkit/bench-section.ts';
import { startBrokerProcess } from '../testkit/broker-process.ts';
import { influxCount, influxQuery, type LocalInfluxd, startLocalInfluxd } from '../testkit/influxd.ts';
import { benchReading, type LoadDevice, publishAsFastAsAcked, publishPaced } from '../testkit/load.ts';
import { startLocalMosquitto } from '../testkit/mosquitto.ts';
import { startNodeRedPeer } from '../testkit/nodered-peer/start.ts';
import { makeRegistry } from '../testkit/pipeline.ts';
import { decodeMessage } from './core/decode.ts';
import { readingToLine } from './core/to-point.ts';

const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const STATIONS = env('BENCH_INGEST_STATIONS', 200);
/** Readings in each throughput phase (ours, Node-RED's, raw influxd): the same readings each time. */
const READINGS = env('BENCH_INGEST_READINGS', 200_000);
const WINDOW = env('BENCH_INGEST_WINDOW', 20); // QoS 1 publishes in flight per device
const LATENCY_RATE = 5000;
const LATENCY_S = env('BENCH_INGEST_LATENCY_S', 20);
const OUTAGE_RATE = 2000;
const OUTAGE_S = env('BENCH_OUTAGE_S', 30);
const MEASUREMENT = 'water_network';
/**
 * Node flags for the ingest process: by default those `npm run ingest` and docker-compose use
 * (ingest/README.md "Memory"): a heap cap, without which V8 collects lazily and RSS overstates what
 * the worker needs, and an 8 MB semi-space, without which the capped heap's small young generation
 * costs a third of the throughput.
 */
const NODE_ARGS = (process.env.BENCH_INGEST_NODE_ARGS ?? '--max-old-space-size=96 --max-semi-space-size=8')
  .split(' ')
  .filter(Boolean);
/** The broker's persistence: `journal` as deployed by default; `level` or `memory` for comparison. */
const BROKER_PERSISTENCE = process.env.BENCH_INGEST_BROKER_PERSISTENCE ?? 'journal';
if (!['journal', 'level', 'memory'].includes(BROKER_PERSISTENCE))
  throw new Error('BENCH_INGEST_BROKER_PERSISTENCE: journal, level or memory');
// A day back: device times base + index ms stay inside the ingest's accepted window (30 days past, 5 min ahead).
const baseTs = () => Date.now() - 86_400_000;
const PEER_PASSWORD = 'bench-peer-secret';
const TAGS = { district: 'beji', operator: 'pdam-tirta-asasta' };
const MAIN = resolve(import.meta.dirname, 'main.ts');

/**
 * Stops of every process this section started. The broker runs in this process: if it crashes the
 * process (an uncaught error in aedes), `finally` blocks never run, so an 'exit' handler signals
 * these (each sends its signal synchronously) and removes the work folder.
 */
const onCrash = new Set<() => unknown>();

type Log = (line: string) => void;
type Registry = Awaited<ReturnType<typeof makeRegistry>>;
type Ctx = { log: Log; influx: LocalInfluxd; registry: Registry; work: string; stations: string[] };

/**
 * Polls COUNT(pressure) (every 20 ms at first, then every 250 ms: the clock's resolution) until it
 * is exactly `expected`; returns that moment. Fewer by the deadline is a loss, more is a duplicate.
 */
async function untilStored(ctx: Ctx, db: string, expected: number, timeoutMs: number): Promise<number> {
  let last = -1;
  await waitFor(
    async () => {
      last = await influxCount(ctx.influx.url, db, MEASUREMENT, 'pressure');
      return last >= expected;
    },
    timeoutMs,
    `${expected} readings in ${db}`,
  ).catch((err: Error) => {
    throw new Error(`loss: ${last} of ${expected} readings stored in ${db} (${err.message})`);
  });
  if (last !== expected) throw new Error(`${last} readings stored in ${db}, ${expected} sent`);
  return performance.now();
}

async function createDb(ctx: Ctx, db: string) {
  await influxQuery(ctx.influx.url, `CREATE DATABASE "${db}"`);
}

type Ingest = { pid: number; metrics(): Promise<string>; stop(): Promise<void> };

/** ingest/main.ts as its own process with deployment defaults, as deployed: its own core, its own RSS. */
async function startIngestChild(ctx: Ctx, mqttUrl: string, db: string, password?: string): Promise<Ingest> {
  const httpPort = await freePort();
  const child: ChildProcess = spawn(nodeBinary(), [...NODE_ARGS, MAIN], {
    env: {
      ...process.env,
      LOG_LEVEL: 'warn',
      MQTT_URL: mqttUrl,
      MQTT_PASSWORD: password,
      INFLUX_URL: ctx.influx.url,
      INFLUX_DATABASE: db,
      INGEST_SPOOL_DIR: await mkdtemp(join(ctx.work, 'spool-')),
      INGEST_HTTP_PORT: String(httpPort),
      REGISTRY_PATH: ctx.registry.path,
    },
    stdio: ['ignore', process.env.BENCH_INGEST_STDOUT ? 'inherit' : 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  let stopping = false;
  const exited = new Promise<void>((r) =>
    child.once('exit', (code, signal) => {
      // A worker that dies mid-run would otherwise show only as missing metrics.
      if (!stopping) process.stderr.write(`ingest child exited (${code ?? signal}):\n${stderr}\n`);
      r();
    }),
  );
  const kill = () => child.kill('SIGKILL');
  onCrash.add(kill);
  const stop = async () => {
    stopping = true;
    onCrash.delete(kill);
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
    child.kill('SIGKILL');
  };
  const base = `http://127.0.0.1:${httpPort}`;
  try {
    await waitFor(
      async () => {
        if (child.exitCode !== null) throw new Error('exited');
        return (await fetch(`${base}/readyz`)).status === 200;
      },
      20_000,
      'ingest ready',
    );
  } catch (err) {
    await stop();
    throw new Error(`ingest did not start: ${(err as Error).message}\n${stderr}`);
  }
  return { pid: child.pid as number, metrics: async () => (await fetch(`${base}/metrics`)).text(), stop };
}

async function connectDevices(url: string, ctx: Ctx, password: (id: string) => string | undefined) {
  return Promise.all(
    ctx.stations.map(
      async (id): Promise<LoadDevice> => ({
        id,
        kind: MEASUREMENT,
        client: await mqtt.connectAsync(url, {
          clientId: id,
          username: id,
          password: password(id),
          reconnectPeriod: 0,
        }),
      }),
    ),
  );
}

/**
 * Sends one reading, again every second (same station and time: one point however often it is
 * stored), until InfluxDB has it: then the subscriber's subscription is live and the clock may start.
 * Its device time is an hour before the runs' (base + index), so it is a point of its own.
 */
async function warmUp(ctx: Ctx, db: string, device: LoadDevice): Promise<void> {
  const payload = benchReading(0, baseTs() - 3_600_000);
  const deadline = Date.now() + 30_000;
  while ((await influxCount(ctx.influx.url, db, MEASUREMENT, 'pressure')) < 1) {
    if (Date.now() > deadline) throw new Error(`the warm-up reading never reached ${db}`);
    await device.client.publishAsync(`sensors/${MEASUREMENT}/${device.id}`, payload, { qos: 1 });
    await new Promise((r) => setTimeout(r, 1000));
  }
}

type Ours = { devices: LoadDevice[]; ingest: Ingest; close(): Promise<void> };

/**
 * Our broker (journal persistence, as deployed, in a fresh folder; flood limits raised: 200 stations
 * sending as fast as they can is the point here) + the ingest as a child process + `db`. A first
 * reading goes through and is stored before the clock starts: the subscription is live and the
 * code paths are warm.
 */
async function startOurs(ctx: Ctx, db: string, via: 'ours' | 'mosquitto' = 'ours'): Promise<Ours> {
  await createDb(ctx, db);
  const cleanup: (() => Promise<unknown>)[] = [() => influxQuery(ctx.influx.url, `DROP DATABASE "${db}"`)];
  const close = async () => {
    for (const step of cleanup.reverse()) await step().catch(() => {});
  };
  try {
    let url: string;
    let password = (id: string) => ctx.registry.secrets.get(id);
    if (via === 'ours') {
      // Its own process, as deployed and as Mosquitto is for the peer: not sharing a core with the load.
      const broker = await startBrokerProcess({
        REGISTRY_PATH: ctx.registry.path,
        BROKER_WATCH_REGISTRY: 'false',
        BROKER_PERSISTENCE: BROKER_PERSISTENCE,
        BROKER_PERSISTENCE_DIR: await mkdtemp(join(ctx.work, 'broker-')),
        BROKER_DEVICE_MESSAGES_PER_SECOND: '1000000',
        BROKER_DEVICE_BURST_MESSAGES: '1000000',
        // Every simulated station connects from 127.0.0.1.
        BROKER_MAX_CONNECTIONS_PER_ADDRESS: String(STATIONS + 16),
      });
      const kill = () => broker.kill('SIGKILL');
      onCrash.add(kill);
      cleanup.push(async () => {
        onCrash.delete(kill);
        await broker.stop();
      });
      url = broker.url;
    } else {
      const users: Record<string, string> = { ingest: PEER_PASSWORD };
      for (const id of ctx.stations) users[id] = PEER_PASSWORD;
      const mosquitto = await startLocalMosquitto(users);
      onCrash.add(mosquitto.stop);
      cleanup.push(() => mosquitto.stop());
      url = mosquitto.url;
      password = () => PEER_PASSWORD;
    }
    const ingest = await startIngestChild(ctx, url, db, password('ingest'));
    cleanup.push(() => ingest.stop());
    const devices = await connectDevices(url, ctx, password);
    cleanup.push(() => Promise.all(devices.map((d) => d.client.endAsync(true))));
    await warmUp(ctx, db, devices[0] as LoadDevice);
    return { devices, ingest, close };
  } catch (err) {
    await close();
    throw err;
  }
}

async function rawInflux(ctx: Ctx): Promise<number> {
  const db = 'bench_raw';
  await createDb(ctx, db);
  // The very lines the ingest writes for these readings (same decode, registry tags and line protocol).
  const stations = new Map(ctx.stations.map((id) => [id, { kind: MEASUREMENT, tags: TAGS }]));
  const decodeCtx = {
    time: { maxPastMs: 30 * 86_400_000, maxFutureMs: 300_000 },
    maxPayloadBytes: 65_536,
    lookupStation: (id: string) => stations.get(id),
    now: Date.now(),
  };
  const base = baseTs();
  const bodies: string[] = [];
  for (let start = 0; start < READINGS; start += 5000) {
    const lines: string[] = [];
    for (let i = start; i < Math.min(READINGS, start + 5000); i++) {
      const station = ctx.stations[i % ctx.stations.length] as string;
      const result = decodeMessage(
        `sensors/${MEASUREMENT}/${station}`,
        Buffer.from(benchReading(i, base)),
        decodeCtx,
      );
      if (!result.ok) throw new Error(`bench reading rejected: ${result.detail}`);
      for (const r of result.readings) lines.push(readingToLine(r));
    }
    bodies.push(lines.join('\n'));
  }
  const url = `${ctx.influx.url}/write?db=${db}&precision=ms`;
  const started = performance.now();
  let next = 0;
  const writer = async () => {
    for (let body = bodies[next++]; body !== undefined; body = bodies[next++]) {
      const res = await fetch(url, { method: 'POST', body });
      if (res.status !== 204) throw new Error(`influxd answered ${res.status}: ${await res.text()}`);
    }
  };
  await Promise.all([writer(), writer()]);
  const rate = (READINGS / ((await untilStored(ctx, db, READINGS, 60_000)) - started)) * 1000;
  await influxQuery(ctx.influx.url, `DROP DATABASE "${db}"`);
  return rate;
}

/** Our pipeline, every device as fast as its PUBACKs return, until the last reading is queryable. */
async function e2eThroughput(
  ctx: Ctx,
  via: 'ours' | 'mosquitto' = 'ours',
): Promise<{ rate: number; deliveries: number }> {
  const ours = await startOurs(ctx, 'bench_e2e', via);
  try {
    const started = performance.now();
    const progress = { acked: 0 };
    const ticker = setInterval(async () => {
      const m = await ours.ingest.metrics().catch(() => '');
      const get = (name: string) =>
        /^(\S+) (\S+)$/m.exec(m.split('\n').find((l) => l.startsWith(`${name} `)) ?? '')?.[2];
      ctx.log(
        `e2e: ${((performance.now() - started) / 1000).toFixed(0)} s: ${progress.acked} acknowledged by the broker, ingest received ${get('ingest_messages_received_total')}, stored ${get('ingest_readings_stored_total')}, spool ${get('ingest_spool_readings')}`,
      );
    }, 5000);
    try {
      await publishAsFastAsAcked(ours.devices, {
        total: READINGS,
        baseTs: baseTs(),
        window: WINDOW,
        progress,
      });
      ctx.log(`e2e: ${READINGS} PUBACKs in ${((performance.now() - started) / 1000).toFixed(1)} s`);
      const done = await untilStored(ctx, 'bench_e2e', READINGS + 1, 180_000);
      const metrics = await ours.ingest.metrics();
      const read = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(metrics)?.[1] ?? 0);
      // Each reading should reach the ingest once; a broker that delivers some twice (without DUP)
      // costs throughput, not correctness: the copy is the same InfluxDB point. Reported, not hidden.
      const deliveries = (read('ingest_messages_received_total') - 1) / READINGS;
      ctx.log(
        `e2e: all stored after ${((done - started) / 1000).toFixed(1)} s; the ingest received ${deliveries.toFixed(2)} messages a reading, ${read('ingest_duplicates_total')} flagged DUP`,
      );
      const batches = read('ingest_batch_lines_count');
      ctx.log(
        `e2e: ${batches} batches of ${(read('ingest_batch_lines_sum') / batches).toFixed(0)} lines on average, ${((read('ingest_write_duration_seconds_sum') / batches) * 1000).toFixed(1)} ms a write (${(read('ingest_write_duration_seconds_sum')).toFixed(2)} s writing in all)`,
      );
      return { rate: (READINGS / (done - started)) * 1000, deliveries };
    } finally {
      clearInterval(ticker);
    }
  } finally {
    await ours.close();
  }
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

/**
 * Publish-to-queryable latency at a steady 5,000 readings/s. Readings go round-robin, so every
 * reading of the first station (1 in 200, 25 a second) is a sample; a poller asks InfluxDB every
 * 25 ms which of that station's readings are stored (`SELECT seq ... WHERE station = ...`) and a
 * sample's latency is from just before its publish() to the *answer* of the first query that
 * returned it. That overstates each latency by up to one poll interval plus a query's time, never
 * understates it.
 */
async function e2eLatency(ctx: Ctx): Promise<{ p50: number; p99: number }> {
  const db = 'bench_latency';
  const ours = await startOurs(ctx, db);
  const probe = ours.devices[0] as LoadDevice;
  const total = LATENCY_RATE * LATENCY_S;
  const publishedAt = new Map<number, number>();
  const latencies: number[] = [];
  let polling = true;
  const base = baseTs();
  const poller = (async () => {
    while (polling || publishedAt.size > 0) {
      const pending = Math.min(...publishedAt.keys());
      if (Number.isFinite(pending)) {
        const res = await influxQuery(
          ctx.influx.url,
          `SELECT "seq" FROM "${MEASUREMENT}" WHERE "station" = '${probe.id}' AND time >= ${base + pending}ms`,
          db,
        );
        const answeredAt = performance.now();
        for (const [, seq] of (res.results[0]?.series?.[0]?.values ?? []) as [string, number][]) {
          const at = publishedAt.get(seq);
          if (at === undefined) continue;
          latencies.push(answeredAt - at);
          publishedAt.delete(seq);
        }
      }
      await new Promise((r) => setTimeout(r, 25));
    }
  })();
  try {
    await publishPaced(ours.devices, {
      ratePerSec: LATENCY_RATE,
      total,
      baseTs: base,
      onPublish: (index, at) => {
        if (index % ours.devices.length === 0) publishedAt.set(index, at);
      },
    });
    await untilStored(ctx, db, total + 1, 60_000);
    await waitFor(() => publishedAt.size === 0, 10_000, 'every sample seen');
    latencies.sort((a, b) => a - b);
    ctx.log(`latency: ${latencies.length} samples, max ${latencies.at(-1)?.toFixed(0)} ms`);
    return { p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
  } finally {
    polling = false;
    publishedAt.clear();
    await poller.catch(() => {});
    await ours.close();
  }
}

async function rssKb(pid: number, field: 'VmRSS' | 'VmHWM'): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
}

/**
 * InfluxDB stopped (SIGKILL) while 2,000 readings/s keep coming for BENCH_OUTAGE_S seconds; then it
 * comes back and everything must drain with zero loss. The figure is the ingest process's peak RSS
 * (VmHWM, the kernel's high-water mark, which sampling cannot miss) over its whole life.
 */
async function outage(ctx: Ctx): Promise<number> {
  const db = 'bench_outage';
  const ours = await startOurs(ctx, db);
  try {
    const total = OUTAGE_RATE * OUTAGE_S;
    const mb = async (field: 'VmRSS' | 'VmHWM') =>
      `${((await rssKb(ours.ingest.pid, field)) / 1024).toFixed(0)} MB`;
    ctx.log(`outage: ingest RSS ${await mb('VmRSS')} before (peak so far ${await mb('VmHWM')})`);
    await ctx.influx.kill();
    ctx.log(`outage: influxd stopped; ${total} readings at ${OUTAGE_RATE}/s`);
    const ticker = setInterval(async () => ctx.log(`outage: ingest RSS ${await mb('VmRSS')}`), 5000);
    await publishPaced(ours.devices, { ratePerSec: OUTAGE_RATE, total, baseTs: baseTs() }).finally(() =>
      clearInterval(ticker),
    );
    const spooled = /ingest_spool_readings (\d+)/.exec(await ours.ingest.metrics())?.[1];
    ctx.log(
      `outage: all acknowledged, ${spooled} readings in the spool, RSS ${((await rssKb(ours.ingest.pid, 'VmRSS')) / 1024).toFixed(0)} MB; influxd back`,
    );
    const back = performance.now();
    await ctx.influx.start();
    await untilStored(ctx, db, total + 1, 120_000);
    ctx.log(`outage: drained ${((performance.now() - back) / 1000).toFixed(1)} s after influxd restarted`);
    return (await rssKb(ours.ingest.pid, 'VmHWM')) / 1024;
  } finally {
    await ours.close();
  }
}

/** The same readings through Mosquitto + Node-RED (testkit/nodered-peer) into the same influxd. */
async function nodeRed(ctx: Ctx): Promise<number> {
  const db = 'bench_nodered';
  await createDb(ctx, db);
  const password = PEER_PASSWORD;
  const users: Record<string, string> = { nodered: password };
  for (const id of ctx.stations) users[id] = password;
  const mosquitto = await startLocalMosquitto(users);
  onCrash.add(mosquitto.stop);
  const cleanup: (() => Promise<unknown>)[] = [() => mosquitto.stop()];
  try {
    const peer = await startNodeRedPeer({
      mqttPort: mosquitto.port,
      username: 'nodered',
      password,
      influxUrl: ctx.influx.url,
      database: db,
      work: ctx.work,
    });
    onCrash.add(peer.stop);
    cleanup.push(() => peer.stop());
    const devices = await connectDevices(mosquitto.url, ctx, () => password);
    cleanup.push(() => Promise.all(devices.map((d) => d.client.endAsync(true))));
    await warmUp(ctx, db, devices[0] as LoadDevice);
    const started = performance.now();
    await publishAsFastAsAcked(devices, { total: READINGS, baseTs: baseTs(), window: WINDOW });
    ctx.log(
      `node-red: ${READINGS} PUBACKs from Mosquitto in ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );
    const done = await untilStored(ctx, db, READINGS + 1, 180_000);
    return (READINGS / (done - started)) * 1000;
  } finally {
    for (const step of cleanup.reverse()) await step().catch(() => {});
  }
}

const PHASES = (process.env.BENCH_INGEST_PHASES ?? 'raw,e2e,latency,outage,nodered').split(',');

/**
 * The whole pipeline against what it replaces: M stations -> our broker -> ingest (its own process)
 * -> influxd, versus Mosquitto -> Node-RED -> the same influxd, versus influxd's own write rate.
 * Every phase writes to a database of its own and checks that exactly what was sent is stored.
 */
const section: BenchSection = {
  name: 'ingest',
  order: 30,
  async run(log) {
    const work = await mkdtemp(join(tmpdir(), 'ingest-bench-'));
    const stations = Array.from({ length: STATIONS }, (_, i) => `wn-bench-${String(i).padStart(3, '0')}`);
    const cleanup: (() => Promise<unknown>)[] = [() => rm(work, { recursive: true, force: true })];
    const crashed = () => {
      for (const stop of onCrash) stop();
      rmSync(work, { recursive: true, force: true });
    };
    process.once('exit', crashed);
    cleanup.push(async () => {
      process.off('exit', crashed);
      onCrash.clear();
    });
    try {
      const registry = await makeRegistry(
        stations.map((id) => ({ id, kind: MEASUREMENT, ...TAGS })),
        { ingest: 'ingest' },
      );
      cleanup.push(() => registry.cleanup());
      const influx = await startLocalInfluxd({ dataDir: join(work, 'influxd') });
      onCrash.add(influx.kill);
      cleanup.push(() => influx.stop());
      const ctx: Ctx = { log, influx, registry, work, stations };
      const out: Record<string, number> = {};
      log(`${STATIONS} stations, ${READINGS} readings a throughput run, phases ${PHASES.join(', ')}`);
      if (PHASES.includes('raw')) {
        out.influx_raw_readings_per_s = await rawInflux(ctx);
        log(`influxd raw: ${out.influx_raw_readings_per_s.toFixed(0)} readings/s`);
      }
      if (PHASES.includes('e2e')) {
        const e2e = await e2eThroughput(ctx);
        out.e2e_readings_per_s = e2e.rate;
        out.e2e_broker_deliveries_per_reading = e2e.deliveries;
        log(`e2e: ${out.e2e_readings_per_s.toFixed(0)} readings/s`);
      }
      if (PHASES.includes('e2e_mosquitto')) {
        out.e2e_mosquitto_readings_per_s = (await e2eThroughput(ctx, 'mosquitto')).rate;
        log(`e2e via mosquitto: ${out.e2e_mosquitto_readings_per_s.toFixed(0)} readings/s`);
      }
      if (PHASES.includes('latency')) {
        const { p50, p99 } = await e2eLatency(ctx);
        Object.assign(out, { e2e_p50_ms: p50, e2e_p99_ms: p99 });
        log(`latency at ${LATENCY_RATE}/s: p50 ${p50.toFixed(0)} ms, p99 ${p99.toFixed(0)} ms`);
      }
      if (PHASES.includes('outage')) {
        out.ingest_peak_rss_mb = await outage(ctx);
        log(`outage: ingest peak RSS ${out.ingest_peak_rss_mb.toFixed(0)} MB`);
      }
      if (PHASES.includes('nodered')) {
        out.nodered_batch_readings_per_s = await nodeRed(ctx);
        log(`node-red: ${out.nodered_batch_readings_per_s.toFixed(0)} readings/s`);
      }
      if (out.e2e_readings_per_s && out.nodered_batch_readings_per_s)
        out.ratio_vs_nodered = out.e2e_readings_per_s / out.nodered_batch_readings_per_s;
      if (out.e2e_readings_per_s && out.influx_raw_readings_per_s)
        out.ratio_vs_influx_raw = out.e2e_readings_per_s / out.influx_raw_readings_per_s;
      return out;
    } finally {
      for (const step of cleanup.reverse()) await step().catch(() => {});
    }
  },
};

export default section;
