import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { connect as connectTcp } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  connackCode,
  makeTestCa,
  nextMessage,
  startTestBroker,
  type TestBroker,
  type TestCa,
} from '../testkit/broker.ts';

describe('TLS and WebSocket listeners', () => {
  let t: TestBroker;
  let ca: TestCa;
  let caDir: string;

  beforeAll(async () => {
    caDir = await mkdtemp(join(tmpdir(), 'broker-ca-'));
    ca = await makeTestCa(caDir);
    t = await startTestBroker([{ id: 'aq-tls-01', kind: 'air_quality' }], {
      tls: { port: 0, certPath: ca.certPath, keyPath: ca.keyPath },
      ws: { port: 0 },
    });
  });
  afterAll(async () => {
    await t?.close();
    await rm(caDir, { recursive: true, force: true });
  });

  const device = () => ({
    clientId: 'aq-tls-01',
    username: 'aq-tls-01',
    password: t.secrets.get('aq-tls-01'),
  });

  it('accepts a device over TLS that trusts the test CA, and still checks its secret', async () => {
    const url = `mqtts://127.0.0.1:${t.broker.tlsPort}`;
    const caCert = await readFile(ca.caPath);
    expect(await connackCode(url, { ...device(), ca: caCert })).toBe(0);
    expect(await connackCode(url, { ...device(), ca: caCert, password: 'wrong' })).toBe(4);
  });

  it('refuses a client that does not trust the certificate', async () => {
    await expect(connackCode(`mqtts://127.0.0.1:${t.broker.tlsPort}`, device())).rejects.toThrow(
      /certificate/i,
    );
  });

  it('closes a plaintext MQTT client on the TLS port without a CONNACK', async () => {
    const socket = connectTcp({ host: '127.0.0.1', port: t.broker.tlsPort as number });
    socket.on('error', () => {});
    const received: Buffer[] = [];
    socket.on('data', (d) => received.push(d));
    socket.on('connect', () => socket.write(Buffer.from('101000044d5154540402003c0004616e6f6e', 'hex')));
    await new Promise<void>((resolve) => socket.once('close', () => resolve()));
    // No CONNACK (0x20): at most a TLS alert (0x15) came back.
    expect(Buffer.concat(received)[0]).not.toBe(0x20);
  });

  it('serves MQTT over WebSocket: a browser-style client connects, subscribes and receives', async () => {
    const client = await mqtt.connectAsync(`ws://127.0.0.1:${t.broker.wsPort}/mqtt`, {
      ...device(),
      reconnectPeriod: 0,
    });
    try {
      const granted = await client.subscribeAsync('cmd/aq-tls-01', { qos: 1 });
      expect(granted[0]?.qos).toBe(1);
      const flows = await t.connect('flows');
      const status = nextMessage(flows, 'sensors/air_quality/aq-tls-01/status');
      await flows.subscribeAsync('sensors/+/+/status', { qos: 1 });
      // The broker keeps each device's status retained: online while the WebSocket session lives.
      expect(await status).toEqual({ payload: 'online', retain: true });
    } finally {
      await client.endAsync();
    }
  });
});
