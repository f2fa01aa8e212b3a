import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createConnection, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../lib/process/ports.ts';
import {
  connackCode,
  connectPacket,
  makeTestCa,
  rawConnack,
  remainingLength,
  startTestBroker,
  type TestBroker,
  type TestCa,
} from '../../testkit/broker.ts';

const run = promisify(execFile);

type Got = { topic: string; qos: number; payload: string };

/** A client whose message handler is on before CONNECT (queued messages follow the CONNACK at once). */
async function collecting(t: TestBroker, account: string, options: IClientOptions = {}) {
  const client = mqtt.connect(t.url, {
    clientId: account,
    username: account,
    password: t.secrets.get(account),
    reconnectPeriod: 0,
    ...options,
  });
  const got: Got[] = [];
  client.on('message', (topic, payload, packet) =>
    got.push({ topic, qos: packet.qos, payload: String(payload) }),
  );
  await new Promise<void>((resolve, reject) => {
    client.once('connect', () => resolve());
    client.once('error', reject);
  });
  return { client, got };
}

/** Everything received up to `marker` (a later publish on the same path): duplicates would come before it. */
async function until(got: Got[], marker: string): Promise<Got[]> {
  await waitFor(() => got.some((m) => m.payload === marker), 5000, `message ${marker}`);
  return got.filter((m) => m.payload !== marker);
}

const u16 = (n: number) => Buffer.from([n >> 8, n & 0xff]);
const str = (bytes: Buffer) => Buffer.concat([u16(bytes.length), bytes]);
const frame = (first: number, body: Buffer) =>
  Buffer.concat([Buffer.from([first]), remainingLength(body.length), body]);
const publishQos1 = (topic: Buffer, id: number) =>
  frame(0x32, Buffer.concat([str(topic), u16(id), Buffer.from('x')]));
const subscribe = (filter: Buffer, id: number) =>
  frame(0x82, Buffer.concat([u16(id), str(filter), Buffer.from([0])]));

/**
 * Writes `first` on a new connection, then `then` once a CONNACK 0x20 arrives; resolves with the first
 * byte of each reply (CONNACK 0x20, PUBACK 0x40, SUBACK 0x90) and whether the broker closed the
 * connection within a second and a half.
 */
function exchange(
  port: number,
  first: Buffer,
  then?: Buffer,
): Promise<{ closed: boolean; packets: number[] }> {
  return new Promise((resolve, reject) => {
    const socket: Socket = createConnection({ host: '127.0.0.1', port }, () => socket.write(first));
    const packets: number[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ closed: false, packets });
    }, 1500);
    socket.on('data', (data) => {
      packets.push(data[0] as number);
      if (then && data[0] === 0x20) socket.write(then);
    });
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ closed: true, packets });
    });
    socket.on('error', reject);
  });
}

const rawSession = (t: TestBroker, account: string, after: Buffer) =>
  exchange(
    t.broker.port,
    connectPacket({ clientId: account, username: account, password: t.secrets.get(account), clean: true }),
    after,
  );

const disconnectsFor = async (t: TestBroker, reason: string) =>
  (await t.broker.metrics.disconnects.get()).values.find((v) => v.labels.reason === reason)?.value ?? 0;

describe('MQTT 3.1.1 conformance over real sockets', () => {
  let t: TestBroker;
  let ca: TestCa;
  let caDir: string;
  let ingest: MqttClient;
  const clients: MqttClient[] = [];
  beforeAll(async () => {
    caDir = await mkdtemp(join(tmpdir(), 'conformance-ca-'));
    ca = await makeTestCa(caDir);
    t = await startTestBroker([{ id: 'aq-conf-01', kind: 'air_quality' }], {
      ws: { port: 0 },
      tls: { port: 0, certPath: ca.certPath, keyPath: ca.keyPath },
    });
    ingest = await t.connect('ingest', { clientId: 'ingest:publisher' });
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.endAsync(true)));
    await t?.close();
    await rm(caDir, { recursive: true, force: true });
  });
  const open = async (account: string, options: IClientOptions = {}) => {
    const c = await collecting(t, account, options);
    clients.push(c.client);
    return c;
  };

  describe('overlapping subscriptions: one copy at the highest QoS of the matching ones [MQTT-3.3.5-1]', () => {
    it('a/# at QoS 2 and a/+ at QoS 1: one QoS 2 copy of a QoS 2 publish (was two)', async () => {
      const { client, got } = await open('dashboard', { clientId: 'dashboard:overlap-2-1' });
      const granted = await client.subscribeAsync({ 'readings/#': { qos: 2 }, 'readings/+/+': { qos: 1 } });
      expect(granted.map((g) => g.qos)).toEqual([2, 1]);
      await ingest.publishAsync('readings/air_quality/aq-conf-01', 'one', { qos: 2 });
      await ingest.publishAsync('readings/air_quality/aq-conf-01', 'marker-a', { qos: 2 });
      expect(await until(got, 'marker-a')).toEqual([
        { topic: 'readings/air_quality/aq-conf-01', qos: 2, payload: 'one' },
      ]);
    });

    it('a/# at QoS 0 and a/+ at QoS 1: one QoS 1 copy of a QoS 1 publish (was a QoS 0 and a QoS 1 copy)', async () => {
      const { client, got } = await open('dashboard', { clientId: 'dashboard:overlap-0-1' });
      await client.subscribeAsync({ 'readings/#': { qos: 0 }, 'readings/+/+': { qos: 1 } });
      await ingest.publishAsync('readings/air_quality/aq-conf-01', 'two', { qos: 1 });
      await ingest.publishAsync('readings/air_quality/aq-conf-01', 'marker-b', { qos: 1 });
      expect(await until(got, 'marker-b')).toEqual([
        { topic: 'readings/air_quality/aq-conf-01', qos: 1, payload: 'two' },
      ]);
    });

    it('a wildcard subscription at QoS 1 gets a QoS 2 publish at QoS 1 [MQTT-3.8.4-6] (was QoS 2)', async () => {
      const { client, got } = await open('dashboard', { clientId: 'dashboard:downgrade' });
      await client.subscribeAsync('readings/#', { qos: 1 });
      await ingest.publishAsync('readings/ispu/aq-conf-01', 'three', { qos: 2 });
      await ingest.publishAsync('readings/ispu/aq-conf-01', 'marker-c', { qos: 2 });
      expect(await until(got, 'marker-c')).toEqual([
        { topic: 'readings/ispu/aq-conf-01', qos: 1, payload: 'three' },
      ]);
    });

    it('a retained QoS 1 message reaches a wildcard subscription at QoS 0 at QoS 0 (was QoS 1)', async () => {
      const flows = await t.connect('flows', { clientId: 'flows:retain' });
      await flows.publishAsync('alerts/air_quality/aq-conf-01/pm25', 'raised', { qos: 1, retain: true });
      const { client, got } = await open('dashboard', { clientId: 'dashboard:retained' });
      await client.subscribeAsync('alerts/#', { qos: 0 });
      await waitFor(() => got.length > 0, 5000, 'the retained alert');
      expect(got[0]).toEqual({ topic: 'alerts/air_quality/aq-conf-01/pm25', qos: 0, payload: 'raised' });
    });

    it('a persistent session queues one copy per message, at the subscriptions QoS, and nothing is left over', async () => {
      const options = { clientId: 'dashboard:persistent', clean: false } as const;
      const first = await open('dashboard', options);
      await first.client.subscribeAsync({ 'readings/#': { qos: 1 }, 'readings/+/+': { qos: 1 } });
      await first.client.endAsync();
      await ingest.publishAsync('readings/air_quality/aq-conf-01', 'queued', { qos: 2 });
      await ingest.publishAsync('readings/air_quality/aq-conf-01', 'marker-d', { qos: 2 });
      const second = await open('dashboard', options);
      expect(await until(second.got, 'marker-d')).toEqual([
        { topic: 'readings/air_quality/aq-conf-01', qos: 1, payload: 'queued' },
      ]);
      await second.client.endAsync();
      // A second queued copy would come back at every reconnect: this one finds only the new marker.
      const third = await open('dashboard', options);
      await ingest.publishAsync('readings/air_quality/aq-conf-01', 'marker-e', { qos: 1 });
      expect(await until(third.got, 'marker-e')).toEqual([]);
    });
  });

  describe('a zero-length client id', () => {
    it('with clean session gets one from the server, <account>:<random> [MQTT-3.1.3-6] (was CONNACK 2)', async () => {
      const password = t.secrets.get('aq-conf-01');
      const raw = connectPacket({ clientId: '', username: 'aq-conf-01', password, clean: true });
      expect(await rawConnack(t.broker.port, raw)).toBe(0);
      // Two at once: each its own id, so neither takes the other's session over [MQTT-3.1.4-2].
      const a = await open('aq-conf-01', { clientId: '' });
      const b = await open('aq-conf-01', { clientId: '' });
      await b.client.subscribeAsync('cmd/aq-conf-01', { qos: 1 });
      expect([a.client.connected, b.client.connected]).toEqual([true, true]);
      // The session is the account's: its ACL applies (a foreign topic is refused).
      await expect(b.client.subscribeAsync('cmd/aq-other', { qos: 1 })).rejects.toThrow(/Subscribe error/);
    });

    it('without clean session is still refused with CONNACK 2 [MQTT-3.1.3-8]', async () => {
      const password = t.secrets.get('aq-conf-01');
      const raw = connectPacket({ clientId: '', username: 'aq-conf-01', password, clean: false });
      expect(await rawConnack(t.broker.port, raw)).toBe(2);
    });
  });

  describe('keepalive 0', () => {
    it('is accepted by default, and every MQTT socket has TCP keepalive to find dead peers', async () => {
      const tcp = await open('aq-conf-01', { clientId: 'aq-conf-01:k0', keepalive: 0 });
      expect(tcp.client.connected).toBe(true);
      const ws = mqtt.connect(`ws://127.0.0.1:${t.broker.wsPort}/mqtt`, {
        clientId: 'aq-conf-01:ws',
        username: 'aq-conf-01',
        password: t.secrets.get('aq-conf-01'),
        keepalive: 0,
        // A busy machine may drop a handshake past the broker's connect timeout: try again, then say so.
        reconnectPeriod: 500,
      });
      const tls = mqtt.connect(`mqtts://127.0.0.1:${t.broker.tlsPort}`, {
        clientId: 'aq-conf-01:tls',
        username: 'aq-conf-01',
        password: t.secrets.get('aq-conf-01'),
        keepalive: 0,
        reconnectPeriod: 500,
        ca: await readFile(ca.caPath),
      });
      clients.push(ws, tls);
      const connected = (c: mqtt.MqttClient, name: string) =>
        new Promise<void>((resolve, reject) => {
          let last = 'no answer';
          c.on('error', (err) => {
            last = err.message;
          });
          if (c.connected) return resolve(); // it may have connected while the CA file was read
          c.once('connect', () => resolve());
          setTimeout(() => reject(new Error(`${name} not connected after 20 s: ${last}`)), 20_000);
        });
      await Promise.all([connected(ws, 'WebSocket'), connected(tls, 'TLS')]);
      // The broker's side of each connection: ss shows the kernel's keepalive timer on it (or, for an
      // instant, the retransmit timer of a packet in flight, which ss shows instead: asked again).
      for (const port of [t.broker.port, t.broker.wsPort, t.broker.tlsPort]) {
        let shown = '';
        await waitFor(
          async () => {
            shown = (
              await run('ss', ['-tnoH', 'state', 'established', `( sport = :${port} )`])
            ).stdout.trim();
            return shown !== '' && shown.split('\n').every((line) => /timer:\(keepalive,/.test(line));
          },
          5000,
          `TCP keepalive on every connection to port ${port}`,
        ).catch(() => expect.fail(`no keepalive timer on every connection: ${shown}`));
      }
    });

    it('is refused with CONNACK 2 when BROKER_ALLOW_KEEPALIVE_ZERO is false', async () => {
      const strict = await startTestBroker([{ id: 'aq-conf-02', kind: 'air_quality' }], {
        limits: { allowKeepaliveZero: false },
      });
      try {
        const device = {
          clientId: 'aq-conf-02',
          username: 'aq-conf-02',
          password: strict.secrets.get('aq-conf-02'),
        };
        expect(await connackCode(strict.url, { ...device, keepalive: 0 })).toBe(2);
        expect(await connackCode(strict.url, { ...device, keepalive: 30 })).toBe(0);
      } finally {
        await strict.close();
      }
    });
  });

  describe('ill-formed UTF-8 and U+0000 close the connection [MQTT-1.5.3-1, MQTT-1.5.3-2]', () => {
    const topic = (tail: Buffer) => Buffer.concat([Buffer.from('sensors/air_quality/'), tail]);
    const cases = [
      {
        what: 'a topic name with ill-formed UTF-8',
        reason: 'malformed_utf8',
        bytes: publishQos1(topic(Buffer.from([0xc3, 0x28])), 1),
      },
      {
        what: 'a topic name with an encoded surrogate',
        reason: 'malformed_utf8',
        bytes: publishQos1(topic(Buffer.from([0xed, 0xa0, 0x80])), 1),
      },
      {
        what: 'a topic name with U+0000',
        reason: 'null_character',
        bytes: publishQos1(topic(Buffer.from('aq-conf-01\u0000')), 1),
      },
      {
        what: 'a subscription filter with U+0000',
        reason: 'null_character',
        bytes: subscribe(Buffer.from('cmd/aq-conf-01\u0000'), 1),
      },
    ];
    for (const c of cases)
      it(`${c.what}: closed, no PUBACK or SUBACK (was acknowledged)`, async () => {
        const before = await disconnectsFor(t, c.reason);
        const result = await rawSession(t, 'aq-conf-01', c.bytes);
        expect(result).toEqual({ closed: true, packets: [0x20] });
        expect(await disconnectsFor(t, c.reason)).toBe(before + 1);
      });

    it('a CONNECT whose client id is ill-formed is closed without a CONNACK', async () => {
      const good = connectPacket({
        clientId: 'aq-conf-01',
        username: 'aq-conf-01',
        password: 'x',
        clean: true,
      });
      // Replace the id's last byte ('1') with a lone continuation byte.
      const at = good.indexOf(Buffer.from('aq-conf-01')) + 'aq-conf-0'.length;
      const bad = Buffer.from(good);
      bad[at] = 0x80;
      expect(await exchange(t.broker.port, bad)).toEqual({ closed: true, packets: [] });
      expect(await disconnectsFor(t, 'malformed_utf8')).toBeGreaterThan(0);
    });

    it('a well-formed U+FFFD is not ill-formed: the publish is acknowledged (and dropped by the ACL)', async () => {
      const result = await rawSession(t, 'aq-conf-01', publishQos1(topic(Buffer.from('\uFFFD')), 1));
      expect(result).toEqual({ closed: false, packets: [0x20, 0x40] });
    });
  });
});
