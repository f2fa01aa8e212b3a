import type mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../lib/process/ports.ts';
import { revokeDevice, rotateDevice } from '../lib/registry/provision.ts';
import { loadRegistry, saveRegistry } from '../lib/registry/store.ts';
import {
  connackCode,
  connectPacket,
  rawConnack,
  startTestBroker,
  type TestBroker,
} from '../testkit/broker.ts';
import { TEST_SCRYPT } from '../testkit/pipeline.ts';

describe('broker authentication', () => {
  let t: TestBroker;
  const device = (id: string, extra: mqtt.IClientOptions = {}) => ({
    clientId: id,
    username: id,
    password: t.secrets.get(id),
    ...extra,
  });

  beforeAll(async () => {
    t = await startTestBroker(
      [
        { id: 'aq-beji-01', kind: 'air_quality' },
        { id: 'aq-beji-02', kind: 'air_quality' },
        { id: 'aq-beji-03', kind: 'air_quality' },
      ],
      { maxPayloadBytes: 1024, limits: { keepaliveMaxSeconds: 120 } },
    );
  });
  afterAll(async () => t?.close());

  it('accepts a device with its secret', async () => {
    expect(await connackCode(t.url, device('aq-beji-01'))).toBe(0);
  });

  it('refuses a wrong secret with "bad user name or password" (4)', async () => {
    expect(await connackCode(t.url, { ...device('aq-beji-01'), password: 'not-the-secret' })).toBe(4);
  });

  it('refuses an anonymous client with "not authorized" (5)', async () => {
    expect(await connackCode(t.url, { clientId: 'anon' })).toBe(5);
  });

  it('refuses an unknown device (4)', async () => {
    expect(await connackCode(t.url, { clientId: 'ghost', username: 'ghost', password: 'x' })).toBe(4);
  });

  it('refuses a client id that is not the account name ("identifier rejected", 2)', async () => {
    expect(await connackCode(t.url, { ...device('aq-beji-01'), clientId: 'someone-else' })).toBe(2);
  });

  it('refuses an empty client id with clean session false (2) [MQTT-3.1.3-8]', async () => {
    // mqtt.js refuses to send this CONNECT, so it is written by hand.
    const password = t.secrets.get('aq-beji-01');
    const packet = connectPacket({ clientId: '', username: 'aq-beji-01', password, clean: false });
    expect(await rawConnack(t.broker.port, packet)).toBe(2);
    // The same CONNECT with the account's client id is accepted: the refusal is about the empty id.
    expect(
      await rawConnack(
        t.broker.port,
        connectPacket({ clientId: 'aq-beji-01', username: 'aq-beji-01', password, clean: false }),
      ),
    ).toBe(0);
  });

  it('refuses a keepalive above the limit (2, as Mosquitto does for 3.1.1)', async () => {
    expect(await connackCode(t.url, { ...device('aq-beji-01'), keepalive: 600 })).toBe(2);
    expect(await connackCode(t.url, { ...device('aq-beji-01'), keepalive: 120 })).toBe(0);
  });

  it('refuses a last will on a topic the device may not publish (5)', async () => {
    const will = {
      topic: 'sensors/air_quality/aq-other/status',
      payload: Buffer.from('offline'),
      qos: 1 as const,
      retain: true,
    };
    expect(await connackCode(t.url, { ...device('aq-beji-01'), will })).toBe(5);
  });

  it('closes the live session of a revoked device at once and refuses it afterwards', async () => {
    const client = await t.connect('aq-beji-02');
    const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
    // What `npm run devices -- revoke` does: the broker's file watch applies it.
    await saveRegistry(t.registryPath, revokeDevice(await loadRegistry(t.registryPath), 'aq-beji-02'));
    await closed;
    await waitFor(
      async () => (await connackCode(t.url, device('aq-beji-02'))) === 4,
      5000,
      'revoked device refused',
    );
  });

  it('closes the session of a rotated device; the new secret works, the old one does not', async () => {
    const client = await t.connect('aq-beji-03');
    const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
    const rotated = await rotateDevice(await loadRegistry(t.registryPath), 'aq-beji-03', TEST_SCRYPT);
    await saveRegistry(t.registryPath, rotated.registry);
    await closed;
    await waitFor(
      async () => (await connackCode(t.url, device('aq-beji-03'))) === 4,
      5000,
      'old secret refused',
    );
    expect(await connackCode(t.url, { ...device('aq-beji-03'), password: rotated.secret })).toBe(0);
  });

  it('answers SUBACK 0x80 for a filter outside the device ACL and counts refusals on /metrics', async () => {
    const client = await t.connect('aq-beji-01');
    // The SUBACK packet itself: mqtt.js turns any 0x80 into an error and echoes the requested QoS.
    const suback = await new Promise<number[]>((resolve) =>
      client.subscribe({ 'cmd/aq-beji-01': { qos: 1 }, '#': { qos: 1 } }, (_err, _granted, packet) =>
        resolve((packet as { granted?: number[] } | undefined)?.granted ?? []),
      ),
    );
    expect(suback).toEqual([1, 128]);
    const metrics = await (await fetch(`http://127.0.0.1:${t.broker.httpPort}/metrics`)).text();
    expect(metrics).toMatch(/broker_connects_refused_total\{reason="bad_secret"\} 2/);
    expect(metrics).toMatch(/broker_connects_refused_total\{reason="anonymous"\} 1/);
    expect(metrics).toMatch(/broker_subscribe_denied_total 1/);
    expect(metrics).toMatch(/broker_disconnects_total\{reason="account_changed"\} 2/);
  });
});
