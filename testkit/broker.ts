import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { createConnection } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { type BrokerConfigInput, BrokerConfigSchema } from '../broker/config.ts';
import { type BrokerService, startBroker } from '../broker/service.ts';
import { silentLogger } from '../lib/log.ts';
import type { NewDevice } from '../lib/registry/provision.ts';
import { makeRegistry, TEST_SCRYPT } from './registry.ts';

const execFileAsync = promisify(execFile);

export type TestBroker = {
  broker: BrokerService;
  url: string;
  dir: string;
  registryPath: string;
  secrets: Map<string, string>;
  /** Connects as an account (client id = account name unless given), without retrying. */
  connect(account: string, options?: IClientOptions): Promise<MqttClient>;
  close(): Promise<void>;
};

/** A broker on free loopback ports with a temp registry (devices + the four service roles) and temp storage. */
export async function startTestBroker(
  devices: readonly NewDevice[],
  overrides: Partial<BrokerConfigInput> = {},
): Promise<TestBroker> {
  const registry = await makeRegistry(devices, {
    ingest: 'ingest',
    flows: 'flows',
    dashboard: 'dashboard',
    operator: 'operator',
  });
  const broker = await startBroker(
    BrokerConfigSchema.parse({
      port: 0,
      httpPort: 0,
      registryPath: registry.path,
      connectTimeoutMs: 5000,
      ...overrides,
    }),
    silentLogger(),
    { scrypt: TEST_SCRYPT },
  );
  const url = `mqtt://127.0.0.1:${broker.port}`;
  const clients: MqttClient[] = [];
  return {
    broker,
    url,
    dir: registry.dir,
    registryPath: registry.path,
    secrets: registry.secrets,
    async connect(account, options = {}) {
      const client = await mqtt.connectAsync(url, {
        clientId: account,
        username: account,
        password: registry.secrets.get(account),
        reconnectPeriod: 0,
        connectTimeout: 5000,
        ...options,
      });
      clients.push(client);
      return client;
    },
    async close() {
      await Promise.all(clients.map((c) => c.endAsync(true)));
      await broker.close();
      await registry.cleanup();
    },
  };
}

/** Connects once without retrying and returns the CONNACK return code (0 = accepted). */
export async function connackCode(url: string, options: IClientOptions): Promise<number> {
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

/** Resolves with the next message on `topic` a client receives. */
export function nextMessage(
  client: MqttClient,
  topic: string,
): Promise<{ payload: string; retain: boolean }> {
  return new Promise((resolve) => {
    const onMessage = (t: string, payload: Buffer, packet: { retain?: boolean }) => {
      if (t !== topic) return;
      client.off('message', onMessage);
      resolve({ payload: payload.toString(), retain: Boolean(packet.retain) });
    };
    client.on('message', onMessage);
  });
}

const utf8 = (text: string) => {
  const bytes = Buffer.from(text);
  const length = Buffer.alloc(2);
  length.writeUInt16BE(bytes.length);
  return Buffer.concat([length, bytes]);
};

/** Remaining Length encoding, MQTT 3.1.1 section 2.2.3. */
export function remainingLength(n: number): Buffer {
  const out: number[] = [];
  do {
    let byte = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) byte |= 0x80;
    out.push(byte);
  } while (n > 0);
  return Buffer.from(out);
}

/** A CONNECT packet built by hand: for what mqtt.js refuses to send (an empty client id without clean session). */
export function connectPacket(o: {
  clientId: string;
  username?: string;
  password?: string;
  clean: boolean;
  keepalive?: number;
}): Buffer {
  const flags = (o.username ? 0x80 : 0) | (o.password ? 0x40 : 0) | (o.clean ? 0x02 : 0);
  const keepalive = Buffer.alloc(2);
  keepalive.writeUInt16BE(o.keepalive ?? 60);
  const body = Buffer.concat([
    utf8('MQTT'),
    Buffer.from([4, flags]),
    keepalive,
    utf8(o.clientId),
    ...(o.username ? [utf8(o.username)] : []),
    ...(o.password ? [utf8(o.password)] : []),
  ]);
  return Buffer.concat([Buffer.from([0x10]), remainingLength(body.length), body]);
}

/** Sends raw bytes on a new TCP connection and returns the CONNACK return code (byte 4 of the reply). */
export function rawConnack(port: number, packet: Buffer): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ host: '127.0.0.1', port }, () => socket.write(packet));
    socket.once('data', (data) => {
      socket.destroy();
      if (data[0] === 0x20 && data.length >= 4) resolve(data[3] as number);
      else reject(new Error(`not a CONNACK: ${data.toString('hex')}`));
    });
    socket.once('error', reject);
  });
}

export type TestCa = { caPath: string; certPath: string; keyPath: string };

/** A throwaway CA and a server certificate for 127.0.0.1/localhost, made with the openssl CLI. */
export async function makeTestCa(dir: string): Promise<TestCa> {
  const p = (name: string) => join(dir, name);
  await writeFile(p('san.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  const run = (args: string[]) => execFileAsync('openssl', args);
  await run([
    'req',
    '-x509',
    ...ec,
    '-keyout',
    p('ca.key'),
    '-out',
    p('ca.crt'),
    '-days',
    '2',
    '-subj',
    '/CN=Depok test CA',
  ]);
  await run(['req', ...ec, '-keyout', p('server.key'), '-out', p('server.csr'), '-subj', '/CN=localhost']);
  await run([
    'x509',
    '-req',
    '-in',
    p('server.csr'),
    '-CA',
    p('ca.crt'),
    '-CAkey',
    p('ca.key'),
    '-CAcreateserial',
    '-out',
    p('server.crt'),
    '-days',
    '2',
    '-extfile',
    p('san.ext'),
  ]);
  return { caPath: p('ca.crt'), certPath: p('server.crt'), keyPath: p('server.key') };
}
