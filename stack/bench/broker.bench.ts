import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Aedes } from 'aedes';
import mqtt, { type IClientOptions } from 'mqtt';
import { BrokerConfigSchema } from '../../broker/config.ts';
import { startBroker } from '../../broker/service.ts';
import { silentLogger } from '../../lib/log.ts';
import { freePort, waitFor } from '../../lib/process/ports.ts';
import { addDevices } from '../../lib/registry/provision.ts';
import { saveRegistry } from '../../lib/registry/store.ts';
import type { BenchSection } from '../../testkit/bench-section.ts';
import { startLocalMosquitto } from '../../testkit/mosquitto.ts';
import { makeRegistry } from '../../testkit/pipeline.ts';
import { authFlood } from './broker/auth-flood.ts';

const MESSAGES = 60_000;
const WARMUP = 3_000;
const ROUNDS = 3;
const IDLE_CONNECTIONS = 10_000;
// Provisioning 10,000 devices at the deployment cost (scrypt N=2^15, ~60 ms each) would take ten minutes:
// the bench uses N=16, which changes what a CONNECT costs to verify, not what an idle connection holds.
const BENCH_SCRYPT = { N: 16, r: 8, p: 1 };
const root = resolve(import.meta.dirname, '../..');
const node = existsSync(join(root, 'node_modules/.bin/node'))
  ? join(root, 'node_modules/.bin/node')
  : process.execPath;

/** One mqtt.js publisher -> one subscriber at QoS 1, as in docs/ARCHITECTURE.md's reference figures. */
async function qos1Rate(url: string, publisher: IClientOptions, subscriber: IClientOptions, topic: string) {
  const sub = await mqtt.connectAsync(url, { reconnectPeriod: 0, ...subscriber });
  const pub = await mqtt.connectAsync(url, { reconnectPeriod: 0, ...publisher });
  await sub.subscribeAsync(topic.replace(/[^/]+$/, '+'), { qos: 1 });
  const payload = Buffer.from(
    '{"ts":1732760000000,"values":{"pm25":35.2,"pm10":51,"no2":20.1,"co":800,"o3":40,"so2":5}}',
  );
  const pass = async (n: number) => {
    let received = 0;
    const done = new Promise<void>((r) => {
      const onMessage = () => {
        if (++received === n) {
          sub.off('message', onMessage);
          r();
        }
      };
      sub.on('message', onMessage);
    });
    const started = performance.now();
    for (let i = 0; i < n; i++) {
      pub.publish(topic, payload, { qos: 1 });
      if (i % 1000 === 999) await new Promise((r) => setImmediate(r));
    }
    await done;
    return n / ((performance.now() - started) / 1000);
  };
  await pass(WARMUP);
  const rate = await pass(MESSAGES);
  await Promise.all([pub.endAsync(), sub.endAsync()]);
  return rate;
}

async function ours(persistence: 'memory' | 'level' | 'journal'): Promise<number> {
  const registry = await makeRegistry([{ id: 'aq-bench-01', kind: 'air_quality' }]);
  try {
    const config = BrokerConfigSchema.parse({
      port: 0,
      httpPort: -1,
      registryPath: registry.path,
      persistence: { type: persistence },
      // The per-device rate limit is what a flood test checks; here one device is the whole load.
      limits: { deviceMessagesPerSecond: 1_000_000, deviceBurstMessages: 1_000_000 },
    });
    const broker = await startBroker(config, silentLogger());
    try {
      const as = (name: string, clientId = name) => ({
        clientId,
        username: name,
        password: registry.secrets.get(name),
      });
      return await qos1Rate(
        `mqtt://127.0.0.1:${broker.port}`,
        as('aq-bench-01'),
        // On disk, the subscriber keeps a persistent session as the ingest does: every message is queued
        // for it (LevelDB, or a journal record) before the PUBACK and cleared when it acknowledges the delivery.
        { ...as('ingest'), clean: persistence === 'memory' },
        'sensors/air_quality/aq-bench-01',
      );
    } finally {
      await broker.close();
    }
  } finally {
    await registry.cleanup();
  }
}

/**
 * aedes with its defaults (no hooks, memory persistence). `noDelay` true is what our listeners set
 * (listeners.ts): the like-for-like baseline; false is Node's default socket (Nagle on).
 */
async function plainAedes(noDelay: boolean): Promise<number> {
  const aedes = await Aedes.createBroker();
  const server = createServer({ noDelay }, (socket) => aedes.handle(socket));
  const port = await freePort();
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  try {
    return await qos1Rate(
      `mqtt://127.0.0.1:${port}`,
      { clientId: 'p' },
      { clientId: 's' },
      'sensors/air_quality/a',
    );
  } finally {
    const closed = new Promise<void>((r) => server.close(() => r()));
    await new Promise<void>((r) => aedes.close(() => r()));
    await closed;
  }
}

async function mosquitto(): Promise<number> {
  const m = await startLocalMosquitto();
  try {
    return await qos1Rate(m.url, { clientId: 'p' }, { clientId: 's' }, 'sensors/air_quality/a');
  } finally {
    await m.stop();
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

function rssMb(pid: number): Promise<number> {
  return readFile(`/proc/${pid}/status`, 'utf8').then(
    (s) => Number(/VmRSS:\s+(\d+)/.exec(s)?.[1] ?? 0) / 1024,
  );
}

/** The broker as its own process (node broker/main.ts), so its RSS is the broker's alone. */
async function idleConnections(log: (line: string) => void): Promise<Record<string, number>> {
  const dir = await mkdtemp(join(tmpdir(), 'broker-bench-'));
  const children: ReturnType<typeof spawn>[] = [];
  try {
    const devices = Array.from({ length: IDLE_CONNECTIONS }, (_, i) => ({
      id: `aq-idle-${i}`,
      kind: 'air_quality',
    }));
    const { registry, issued } = await addDevices({ devices: [], services: [] }, devices, BENCH_SCRYPT);
    const registryPath = join(dir, 'registry.json');
    await saveRegistry(registryPath, registry);
    const credentialsPath = join(dir, 'credentials.json');
    await writeFile(credentialsPath, JSON.stringify(issued.map((d) => [d.id, d.secret])));
    const [port, httpPort] = [await freePort(), await freePort()];
    const env = {
      ...process.env,
      REGISTRY_PATH: registryPath,
      BROKER_PORT: String(port),
      BROKER_HTTP_PORT: String(httpPort),
      BROKER_MAX_CONNECTIONS_PER_ADDRESS: String(IDLE_CONNECTIONS * 2),
      LOG_LEVEL: 'warn',
    };
    const broker = spawn(node, [join(root, 'broker/main.ts')], { env, stdio: 'ignore' });
    children.push(broker);
    const metrics = async () => (await fetch(`http://127.0.0.1:${httpPort}/metrics`)).text();
    await waitFor(async () => (await metrics()).includes('broker_connections'), 20_000, 'the broker process');
    const idle = await rssMb(broker.pid as number);
    const started = performance.now();
    const clients = spawn(
      node,
      [join(root, 'stack/bench/broker/idle-clients.ts'), String(port), credentialsPath],
      {
        stdio: ['pipe', 'pipe', 'inherit'],
      },
    );
    children.push(clients);
    const ready = await new Promise<string>((r) =>
      clients.stdout?.once('data', (d: Buffer) => r(d.toString().trim())),
    );
    const [, accepted = '0', refused = '0'] = ready.split(' ');
    log(
      `${accepted} connections accepted, ${refused} refused in ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );
    await waitFor(
      async () => (await metrics()).includes(`broker_connections ${IDLE_CONNECTIONS}`),
      30_000,
      'connections',
    );
    const held = await rssMb(broker.pid as number);
    clients.stdin?.end();
    return {
      broker_rss_mb_idle: idle,
      broker_rss_mb_10k_conns: held,
      broker_10k_connects_accepted: Number(accepted),
    };
  } finally {
    for (const child of children) child.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
  }
}

/** `BENCH_BROKER_ONLY=auth-flood` runs that phase alone; BENCH_AUTH_FLOOD_S its flood's seconds (60). */
const only = process.env.BENCH_BROKER_ONLY;
const floodSeconds = Number(process.env.BENCH_AUTH_FLOOD_S ?? 60);

const section: BenchSection = {
  name: 'broker',
  order: 10,
  async run(log) {
    if (only === 'auth-flood') return authFlood(log, floodSeconds);
    if (only) throw new Error(`BENCH_BROKER_ONLY=${only}: the only phase that runs alone is auth-flood`);
    // Interleaved rounds in one process, medians reported: one run each swung the ratio by +-0.15 on a
    // busy 2-core machine. Like for like: same persistence (memory), same socket options (TCP_NODELAY).
    const plain: number[] = [];
    const plainNagle: number[] = [];
    const memory: number[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      plain.push(await plainAedes(true));
      // Ours adds auth, ACL, limits and the store before the PUBACK (durable-publish.ts).
      memory.push(await ours('memory'));
      plainNagle.push(await plainAedes(false));
      log(
        `round ${round}: plain aedes ${plain.at(-1)?.toFixed(0)}, ours ${memory.at(-1)?.toFixed(0)}, ` +
          `plain aedes with Nagle ${plainNagle.at(-1)?.toFixed(0)} msg/s`,
      );
    }
    const [aedesPlain, broker, aedesNagle] = [median(plain), median(memory), median(plainNagle)];
    log(`ours: ${((broker / aedesPlain) * 100).toFixed(0)}% of plain aedes (medians of ${ROUNDS})`);
    // On disk, the ingest's persistent session queued for every message: the journal (the default, medians
    // of 3 as above) and LevelDB.
    const journal: number[] = [];
    for (let round = 1; round <= ROUNDS; round++) journal.push(await ours('journal'));
    log(`ours with the journal: ${journal.map((r) => r.toFixed(0)).join(', ')} msg/s`);
    const onDisk = await ours('level');
    log(`ours on LevelDB: ${onDisk.toFixed(0)} msg/s`);
    const mosq = await mosquitto();
    log(`mosquitto: ${mosq.toFixed(0)} msg/s`);
    const idle = await idleConnections(log);
    const flood = await authFlood(log, floodSeconds);
    return {
      broker_qos1_msgs_per_s: broker,
      aedes_plain_qos1_msgs_per_s: aedesPlain,
      aedes_plain_nagle_qos1_msgs_per_s: aedesNagle,
      mosquitto_qos1_msgs_per_s: mosq,
      broker_vs_plain_aedes_ratio: broker / aedesPlain,
      broker_vs_plain_aedes_nagle_ratio: broker / aedesNagle,
      broker_journal_qos1_msgs_per_s: median(journal),
      broker_level_qos1_msgs_per_s: onDisk,
      ...idle,
      ...flood,
    };
  },
};
export default section;
