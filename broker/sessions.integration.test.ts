import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../lib/log.ts';
import { connackCode, startTestBroker, type TestBroker } from '../testkit/broker.ts';
import { makeRegistry, TEST_SCRYPT } from '../testkit/registry.ts';
import { BrokerConfigSchema } from './config.ts';
import { startBroker } from './service.ts';

/** Connects as `clientId` of the account, optionally subscribes, and leaves: a persistent session stays if clean is false. */
async function visit(url: string, account: string, password: string, clientId: string, clean: boolean) {
  const client = await mqtt.connectAsync(url, {
    clientId,
    username: account,
    password,
    clean,
    reconnectPeriod: 0,
  });
  await client.subscribeAsync(`cmd/${account}`, { qos: 1 });
  await client.endAsync();
}

describe('sessions per account', () => {
  let t: TestBroker;
  beforeAll(async () => {
    t = await startTestBroker([
      { id: 'aq-many', kind: 'air_quality' },
      { id: 'aq-live', kind: 'air_quality' },
    ]);
  });
  afterAll(async () => t?.close());
  const as = (account: string, clientId: string, clean = true) => ({
    clientId,
    username: account,
    password: t.secrets.get(account),
    clean,
  });

  it('refuses the 9th persistent session of a device (5), resumes the 8 it holds, frees one on clean', async () => {
    const secret = t.secrets.get('aq-many') as string;
    for (let i = 1; i <= 8; i++) await visit(t.url, 'aq-many', secret, `aq-many:${i}`, false);
    expect(await connackCode(t.url, as('aq-many', 'aq-many:9', false))).toBe(5);
    expect(await connackCode(t.url, as('aq-many', 'aq-many:9', true))).toBe(5);
    expect(await connackCode(t.url, as('aq-many', 'aq-many:3', false))).toBe(0); // its own session
    // A clean CONNECT discards the stored session [MQTT-3.1.2-6]: once it ends, the slot is free.
    await visit(t.url, 'aq-many', secret, 'aq-many:3', true);
    expect(await connackCode(t.url, as('aq-many', 'aq-many:9', false))).toBe(0);
    const { values } = await t.broker.metrics.connectsRefused.get();
    expect(values.find((v) => v.labels.reason === 'too_many_sessions')?.value).toBe(2);
  });

  it('counts live connections too, and a closed one frees its place', async () => {
    const clients = await Promise.all(
      Array.from({ length: 8 }, (_, i) => t.connect('aq-live', { clientId: `aq-live:${i}` })),
    );
    expect(await connackCode(t.url, as('aq-live', 'aq-live:extra'))).toBe(5);
    // Taking over a held client id is not a new session.
    const again = await t.connect('aq-live', { clientId: 'aq-live:0' });
    await clients[1]?.endAsync();
    await expect.poll(() => connackCode(t.url, as('aq-live', 'aq-live:extra')), { timeout: 5000 }).toBe(0);
    await again.endAsync();
  });

  it('gives service accounts more room (each console tab or worker is a session)', async () => {
    const tabs = await Promise.all(
      Array.from({ length: 20 }, (_, i) => t.connect('dashboard', { clientId: `dashboard:tab${i}` })),
    );
    expect(tabs.every((c) => c.connected)).toBe(true);
  });
});

describe('sessions per account survive a restart (journal)', () => {
  it('still counts the persistent sessions found in the journal', async () => {
    const registry = await makeRegistry([{ id: 'aq-kept', kind: 'air_quality' }]);
    const dir = await mkdtemp(join(tmpdir(), 'broker-sessions-'));
    const config = BrokerConfigSchema.parse({
      port: 0,
      httpPort: -1,
      registryPath: registry.path,
      persistence: { type: 'journal', dir },
      sessions: { perDevice: 2 },
    });
    const secret = registry.secrets.get('aq-kept') as string;
    try {
      let broker = await startBroker(config, silentLogger(), { scrypt: TEST_SCRYPT });
      let url = `mqtt://127.0.0.1:${broker.port}`;
      await visit(url, 'aq-kept', secret, 'aq-kept:1', false);
      await visit(url, 'aq-kept', secret, 'aq-kept:2', false);
      await broker.close();
      broker = await startBroker(config, silentLogger(), { scrypt: TEST_SCRYPT });
      url = `mqtt://127.0.0.1:${broker.port}`;
      try {
        const login = (clientId: string) =>
          connackCode(url, { clientId, username: 'aq-kept', password: secret, clean: false });
        expect([await login('aq-kept:3'), await login('aq-kept:1')]).toEqual([5, 0]);
      } finally {
        await broker.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
      await registry.cleanup();
    }
  });
});
