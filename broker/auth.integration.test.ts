import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../lib/log.ts';
import { makeRegistry } from '../stack/testing/pipeline.ts';
import { type BrokerService, startBroker } from './service.ts';

/** Connects once without retrying and returns the CONNACK return code (0 = accepted). */
async function connackCode(url: string, options: mqtt.IClientOptions): Promise<number> {
  const client = mqtt.connect(url, { reconnectPeriod: 0, connectTimeout: 5000, ...options });
  try {
    return await new Promise<number>((resolve, reject) => {
      client.once('connect', () => resolve(0));
      client.once('error', (err) => {
        const code = (err as Error & { code?: number }).code;
        if (typeof code === 'number') resolve(code);
        else reject(err);
      });
    });
  } finally {
    client.end(true);
  }
}

describe('broker authentication', () => {
  let broker: BrokerService;
  let registry: Awaited<ReturnType<typeof makeRegistry>>;
  let url: string;

  beforeAll(async () => {
    registry = await makeRegistry([{ id: 'aq-beji-01', kind: 'air_quality' }]);
    broker = await startBroker(
      {
        host: '127.0.0.1',
        port: 0,
        registryPath: registry.path,
        watchRegistry: true,
        httpHost: '127.0.0.1',
        httpPort: 0,
        maxPayloadBytes: 1024,
        connectTimeoutMs: 5000,
      },
      silentLogger(),
    );
    url = `mqtt://127.0.0.1:${broker.port}`;
  });
  afterAll(async () => {
    await broker?.close();
    await registry?.cleanup();
  });

  it('accepts a device with its secret', async () => {
    expect(
      await connackCode(url, {
        clientId: 'aq-beji-01',
        username: 'aq-beji-01',
        password: registry.secrets.get('aq-beji-01'),
      }),
    ).toBe(0);
  });

  it('refuses a wrong secret with "bad user name or password" (4)', async () => {
    expect(
      await connackCode(url, { clientId: 'aq-beji-01', username: 'aq-beji-01', password: 'not-the-secret' }),
    ).toBe(4);
  });

  it('refuses an anonymous client with "not authorized" (5)', async () => {
    expect(await connackCode(url, { clientId: 'anon' })).toBe(5);
  });

  it('refuses an unknown device (4)', async () => {
    expect(await connackCode(url, { clientId: 'ghost', username: 'ghost', password: 'x' })).toBe(4);
  });

  it('refuses a client id that is not the account name ("identifier rejected", 2)', async () => {
    expect(
      await connackCode(url, {
        clientId: 'someone-else',
        username: 'aq-beji-01',
        password: registry.secrets.get('aq-beji-01'),
      }),
    ).toBe(2);
  });

  it('refuses a last will on a topic the device may not publish (5)', async () => {
    const will = {
      topic: 'sensors/air_quality/aq-other/status',
      payload: Buffer.from('offline'),
      qos: 1 as const,
      retain: true,
    };
    expect(
      await connackCode(url, {
        clientId: 'aq-beji-01',
        username: 'aq-beji-01',
        password: registry.secrets.get('aq-beji-01'),
        will,
      }),
    ).toBe(5);
  });

  it('answers SUBACK 0x80 for a filter outside the device ACL and counts refusals on /metrics', async () => {
    const client = await mqtt.connectAsync(url, {
      clientId: 'aq-beji-01',
      username: 'aq-beji-01',
      password: registry.secrets.get('aq-beji-01'),
      reconnectPeriod: 0,
    });
    // The SUBACK packet itself: mqtt.js turns any 0x80 into an error and echoes the requested QoS.
    const suback = await new Promise<number[]>((resolve) =>
      client.subscribe({ 'cmd/aq-beji-01': { qos: 1 }, '#': { qos: 1 } }, (_err, _granted, packet) =>
        resolve((packet as { granted?: number[] } | undefined)?.granted ?? []),
      ),
    );
    expect(suback).toEqual([1, 128]);
    await client.endAsync();
    const metrics = await (await fetch(`http://127.0.0.1:${broker.httpPort}/metrics`)).text();
    expect(metrics).toMatch(/broker_connects_refused_total\{reason="bad_secret"\} 1/);
    expect(metrics).toMatch(/broker_subscribe_denied_total 1/);
  });
});
