import { createConnection } from 'node:net';
import { Writable } from 'node:stream';
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../lib/log.ts';
import { waitFor } from '../lib/process/ports.ts';
import { addDevices } from '../lib/registry/provision.ts';
import { DEFAULT_SCRYPT } from '../lib/registry/secrets.ts';
import { loadRegistry, saveRegistry } from '../lib/registry/store.ts';
import { connectPacket, startTestBroker, type TestBroker } from '../testkit/broker.ts';
import { makeRegistry, TEST_SCRYPT } from '../testkit/registry.ts';
import { BrokerConfigSchema } from './config.ts';
import type { BrokerMetrics } from './metrics.ts';
import { startBroker } from './service.ts';

/** One CONNECT from `localAddress` (any 127.x.y.z is loopback); the CONNACK code, or -1 if closed without one. */
function connackFrom(
  port: number,
  localAddress: string,
  username: string,
  password: string,
  clientId = username,
) {
  return new Promise<number>((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port, localAddress }, () =>
      socket.write(connectPacket({ clientId, username, password, clean: true })),
    );
    socket.once('data', (data) => {
      socket.destroy();
      resolve(data[0] === 0x20 ? (data[3] as number) : -1);
    });
    socket.once('error', () => resolve(-1));
    socket.once('close', () => resolve(-1));
  });
}

const count = async (metric: BrokerMetrics['connectsRefused'], reason?: string) =>
  (await metric.get()).values.find((v) => reason === undefined || v.labels.reason === reason)?.value ?? 0;

describe('failure limits are checked before scrypt', () => {
  let t: TestBroker;
  // scrypt runs so far (0 where the metric does not exist: the CONNACK codes then say what failed).
  const secretChecks = async () =>
    (await (t.broker.metrics as Partial<BrokerMetrics>).secretChecks?.get())?.values[0]?.value ?? 0;

  beforeAll(async () => {
    t = await startTestBroker(
      [
        { id: 'aq-lim-a', kind: 'air_quality' },
        { id: 'aq-lim-b', kind: 'air_quality' },
        { id: 'aq-lim-c', kind: 'air_quality' },
      ],
      { auth: { failuresPerAddress: 3, failuresPerAccount: 1000 } },
    );
  });
  afterAll(async () => t?.close());

  it('refuses wrong passwords from one address past the limit with 3, without running scrypt', async () => {
    const attempt = () => connackFrom(t.broker.port, '127.0.0.11', 'aq-lim-a', 'wrong');
    const first = [await attempt(), await attempt(), await attempt()];
    expect(first).toEqual([4, 4, 4]);
    const checked = await secretChecks();
    const later = await Promise.all(Array.from({ length: 20 }, attempt));
    expect(later).toEqual(Array(20).fill(3));
    expect(await secretChecks()).toBe(checked);
    expect(await count(t.broker.metrics.connectsRefused, 'throttled_address')).toBe(20);
  });

  it('holds under concurrency: 30 guesses at once from a fresh address cost 3 scrypt runs', async () => {
    const before = await secretChecks();
    const codes = await Promise.all(
      Array.from({ length: 30 }, () => connackFrom(t.broker.port, '127.0.0.12', 'aq-lim-b', 'wrong')),
    );
    expect(codes.filter((c) => c === 4)).toHaveLength(3);
    expect(codes.filter((c) => c === 3)).toHaveLength(27);
    expect((await secretChecks()) - before).toBe(3);
  });

  it('lets a device whose secret verified recently in from a throttled address', async () => {
    const secret = t.secrets.get('aq-lim-c') as string;
    expect(await connackFrom(t.broker.port, '127.0.0.1', 'aq-lim-c', secret)).toBe(0);
    expect(await connackFrom(t.broker.port, '127.0.0.11', 'aq-lim-c', secret)).toBe(0);
  });
});

describe('refusals past the 10th from an address in a minute are answered after a second', () => {
  let t: TestBroker;
  beforeAll(async () => {
    t = await startTestBroker([]);
  });
  afterAll(async () => t?.close());

  it('slows a closed loop of guesses at unknown accounts (no scrypt, but no limit either)', async () => {
    const timed = async () => {
      const started = performance.now();
      const code = await connackFrom(t.broker.port, '127.0.0.61', 'nobody', 'x');
      return { code, ms: performance.now() - started };
    };
    const answers = [];
    for (let i = 0; i < 12; i++) answers.push(await timed());
    expect(answers.map((a) => a.code)).toEqual(Array(12).fill(4));
    expect(answers.slice(10).every((a) => a.ms >= 950)).toBe(true);
    // Another address is answered at once.
    const started = performance.now();
    expect(await connackFrom(t.broker.port, '127.0.0.62', 'nobody', 'x')).toBe(4);
    expect(performance.now() - started).toBeLessThan(900);
  });
});

describe('per-account failure limits hold across addresses', () => {
  let t: TestBroker;
  beforeAll(async () => {
    t = await startTestBroker([{ id: 'aq-acct', kind: 'air_quality' }], {
      auth: { failuresPerAddress: 1000, failuresPerAccount: 3 },
    });
  });
  afterAll(async () => t?.close());

  it('refuses the 4th wrong password for one account from a 4th address, and the device itself still connects', async () => {
    const secret = t.secrets.get('aq-acct') as string;
    expect(await connackFrom(t.broker.port, '127.0.0.1', 'aq-acct', secret)).toBe(0);
    const guess = (i: number) => connackFrom(t.broker.port, `127.0.0.${i}`, 'aq-acct', 'x');
    const codes = [await guess(21), await guess(22), await guess(23)];
    // At once: a throttled answer takes a second, as long as the first block.
    codes.push(...(await Promise.all([guess(24), guess(25), guess(26)])));
    expect(codes).toEqual([4, 4, 4, 3, 3, 3]);
    expect(await count(t.broker.metrics.connectsRefused, 'throttled_account')).toBe(3);
    // Known from the cache: a flood of guesses for a device id cannot lock the device out.
    expect(await connackFrom(t.broker.port, '127.0.0.27', 'aq-acct', secret)).toBe(0);
  });
});

describe('a fleet behind one address reconnecting at once', () => {
  let t: TestBroker;
  const fleet = Array.from({ length: 30 }, (_, i) => `aq-fleet-${i}`);
  beforeAll(async () => {
    t = await startTestBroker(
      fleet.map((id) => ({ id, kind: 'air_quality' })),
      { auth: { failuresPerAddress: 3, failuresPerAccount: 3 } },
    );
  });
  afterAll(async () => t?.close());

  it('queues the checks past the allowance instead of refusing them: all 30 connect', async () => {
    const codes = await Promise.all(
      fleet.map((id) => connackFrom(t.broker.port, '127.0.0.51', id, t.secrets.get(id) as string)),
    );
    expect(codes).toEqual(Array(30).fill(0));
  });
});

describe('a correct device still connects and publishes while 32 sockets guess passwords', () => {
  let t: TestBroker;
  let device: MqttClient;
  const targets = ['aq-real-1', 'aq-real-2', 'aq-real-3', 'aq-real-4'];
  let newcomer = '';

  beforeAll(async () => {
    t = await startTestBroker([{ id: 'aq-steady', kind: 'air_quality' }], {
      persistence: { type: 'journal' },
      limits: { deviceMessagesPerSecond: 1000, deviceBurstMessages: 1000 },
      auth: { failuresPerAddress: 3, failuresPerAccount: 3 },
    });
    // Accounts at the deployment's cost (scrypt N=2^15, ~60 ms a check): what a flood makes expensive.
    const added = await addDevices(
      await loadRegistry(t.registryPath),
      [...targets, 'aq-newcomer'].map((id) => ({ id, kind: 'air_quality' })),
      DEFAULT_SCRYPT,
    );
    newcomer = added.issued.at(-1)?.secret as string;
    await saveRegistry(t.registryPath, added.registry);
    await waitFor(
      async () => (await connackFrom(t.broker.port, '127.0.0.1', 'aq-newcomer', 'x')) === 4,
      5000,
      'registry reload',
    );
    const ingest = await t.connect('ingest', { clean: false });
    await ingest.subscribeAsync('sensors/+/+', { qos: 1 });
    device = await t.connect('aq-steady');
  });
  afterAll(async () => t?.close());

  it('keeps PUBACKs fast, admits a newcomer from another address and a known device from the flooding one', async () => {
    let flooding = true;
    let attempts = 0;
    const flood = Array.from({ length: 32 }, async (_, i) => {
      while (flooding) {
        await connackFrom(
          t.broker.port,
          '127.0.0.31',
          targets[i % targets.length] as string,
          `guess-${attempts}`,
        );
        attempts += 1;
      }
    });
    const latencies: number[] = [];
    const publishing = (async () => {
      while (flooding) {
        const started = performance.now();
        await device.publishAsync('sensors/air_quality/aq-steady', '{"ts":1,"values":{"pm25":1}}', {
          qos: 1,
        });
        latencies.push(performance.now() - started);
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    await new Promise((r) => setTimeout(r, 1000));
    const started = performance.now();
    const newcomerCode = await connackFrom(t.broker.port, '127.0.0.32', 'aq-newcomer', newcomer);
    const newcomerMs = performance.now() - started;
    // Another client id of the same account: the same one would take over the publishing session.
    const secret = t.secrets.get('aq-steady') as string;
    const knownCode = await connackFrom(t.broker.port, '127.0.0.31', 'aq-steady', secret, 'aq-steady:probe');
    await new Promise((r) => setTimeout(r, 2000));
    flooding = false;
    await Promise.all([...flood, publishing]);
    latencies.sort((a, b) => a - b);
    const p95 = latencies[Math.floor(latencies.length * 0.95)] ?? Infinity;
    expect({ p95: p95 < 250, samples: latencies.length > 20 }).toEqual({ p95: true, samples: true });
    expect([newcomerCode, knownCode]).toEqual([0, 0]);
    // Behind at most a few checks of the flood's (a scrypt took 340 ms on this machine under load).
    expect(newcomerMs).toBeLessThan(5000);
    expect(attempts).toBeGreaterThan(32);
  });
});

describe('refused CONNECTs are logged at a bounded rate', () => {
  it('logs the first refusal from an address, then one line with the count', async () => {
    const lines: Record<string, unknown>[] = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines.push(JSON.parse(chunk.toString()));
        done();
      },
    });
    const registry = await makeRegistry([{ id: 'aq-log', kind: 'air_quality' }]);
    const broker = await startBroker(
      BrokerConfigSchema.parse({
        port: 0,
        httpPort: -1,
        registryPath: registry.path,
        auth: {
          failuresPerAddress: 1000,
          failuresPerAccount: 1000,
          suspectChecksPerSecond: 1000,
          scryptQueue: 64,
        },
      }),
      createLogger('broker', 'info', sink),
      { scrypt: TEST_SCRYPT },
    );
    const refusals = () => lines.filter((l) => /connect refused/.test(String(l.msg)));
    try {
      const codes = await Promise.all(
        Array.from({ length: 40 }, () => connackFrom(broker.port, '127.0.0.41', 'aq-log', 'wrong')),
      );
      expect(codes).toEqual(Array(40).fill(4));
      expect(refusals()).toHaveLength(1);
    } finally {
      await broker.close();
      await registry.cleanup();
    }
    expect(refusals()).toEqual([
      expect.objectContaining({ address: '127.0.0.41', reason: 'bad_secret' }),
      expect.objectContaining({ address: '127.0.0.41', refused: 39, reasons: 'bad_secret 39' }),
    ]);
    expect(JSON.stringify(lines)).not.toContain('wrong');
  });
});
