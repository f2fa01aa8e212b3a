import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { type Duplex, duplexPair, Readable } from 'node:stream';
import { Aedes, type Client, type PublishPacket } from 'aedes';
import { afterEach, describe, expect, it } from 'vitest';
import {
  AedesPacket,
  type AedesPublishPacket,
  assignClientId,
  asyncPersistenceClass,
  forwardEverything,
  inspectReads,
  inspectStrings,
  MemoryPersistence,
  MQTT_PACKET_VERSION,
  pendingWill,
  pipeableRetained,
  publishInternals,
  type RetainedSource,
  replaceDeliveries,
  replacePublish,
  subscriptionsOf,
} from './aedes-internals.ts';

/**
 * One contract per internal that aedes-internals.ts relies on, against the installed aedes, in process
 * (clients on in-memory streams, as aedes's own test helper does; nothing listens). When an upgrade
 * changes one of them, the test of that internal fails and names what the broker must change.
 */

const fromAedes = createRequire(import.meta.resolve('aedes'));
type Wire = { cmd: string; [key: string]: unknown };
const mqttPacket = fromAedes('mqtt-packet') as {
  generate(packet: object): Buffer;
  parser(): { on(event: 'packet', listener: (packet: Wire) => void): void; parse(bytes: Buffer): void };
};

/** The version of the package `name` whose file `main` is: its nearest package.json of that name. */
function installedVersion(name: string, main: string): string | undefined {
  for (let dir = dirname(main); dir !== dirname(dir); dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (!existsSync(file)) continue;
    const json = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
    if (json.name === name) return json.version;
  }
  return undefined;
}

const brokers: Aedes[] = [];
afterEach(async () => {
  for (const b of brokers.splice(0)) await new Promise<void>((resolve) => b.close(() => resolve()));
});
async function broker(): Promise<Aedes> {
  const b = await Aedes.createBroker();
  brokers.push(b);
  return b;
}

const clientsOf = (aedes: Aedes) => (aedes as unknown as { clients: Record<string, Client> }).clients;

async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 500 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 2));
  if (!check()) throw new Error(`timed out waiting for ${what}`);
}

/** An MQTT 3.1.1 peer on an in-memory stream: raw packets out, parsed packets in. */
function peer(aedes: Aedes, beforeHandle?: (serverSide: Duplex) => void) {
  const [ours, theirs] = duplexPair();
  beforeHandle?.(theirs);
  aedes.handle(theirs);
  const parser = mqttPacket.parser();
  const received: Wire[] = [];
  parser.on('packet', (packet) => received.push(packet));
  ours.on('data', (bytes: Buffer) => parser.parse(bytes));
  return {
    send: (packet: object) => ours.write(mqttPacket.generate(packet)),
    async next(cmd: string): Promise<Wire> {
      await until(() => received.some((p) => p.cmd === cmd), cmd);
      return received.splice(
        received.findIndex((p) => p.cmd === cmd),
        1,
      )[0] as Wire;
    },
    received,
  };
}
const connect = (clientId: string, extra: object = {}) => ({
  cmd: 'connect',
  protocolId: 'MQTT',
  protocolVersion: 4,
  clean: true,
  clientId,
  keepalive: 30,
  ...extra,
});

describe('aedes internals (aedes-internals.ts)', () => {
  it('package.json pins the installed aedes packages exactly', () => {
    const pins = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).dependencies;
    const fromHere = createRequire(import.meta.url);
    const packages = {
      aedes: fromHere.resolve('aedes'),
      'aedes-packet': fromAedes.resolve('aedes-packet'),
      'aedes-persistence': fromAedes.resolve('aedes-persistence'),
      'aedes-persistence-level': fromHere.resolve('aedes-persistence-level'),
      'aedes-persistence-redis': fromHere.resolve('aedes-persistence-redis'),
    };
    for (const [name, main] of Object.entries(packages))
      expect([name, pins[name]]).toEqual([name, installedVersion(name, main)]);
  });

  it('1. aedes-packet stamps broker id and counter, keeps given ones, and is the class aedes publishes', async () => {
    const fresh = new AedesPacket({ topic: 'a/b', qos: 1, messageId: 9 }, { id: 'b1', counter: 41 });
    expect([fresh.brokerId, fresh.brokerCounter, fresh.messageId]).toEqual(['b1', 42, undefined]);
    const kept = new AedesPacket(
      { topic: 'a/b', brokerId: 'b0', brokerCounter: 7 },
      { id: 'b1', counter: 41 },
    );
    expect([kept.brokerId, kept.brokerCounter]).toEqual(['b0', 7]);

    const aedes = await broker();
    let delivered: unknown;
    await new Promise<void>((resolve) =>
      aedes.subscribe(
        'a/b',
        (packet, done) => {
          delivered = packet;
          done();
        },
        resolve,
      ),
    );
    aedes.publish(
      { cmd: 'publish', topic: 'a/b', payload: Buffer.from('x'), qos: 0, retain: false, dup: false },
      () => {},
    );
    await until(() => delivered !== undefined, 'the delivery');
    expect(delivered).toBeInstanceOf(AedesPacket);
  });

  it("2. aedes-persistence's async memory class has what the journal builds on; putWill stamps the broker", async () => {
    const methods = [
      'setup',
      'storeRetained',
      'addSubscriptions',
      'removeSubscriptions',
      'cleanSubscriptions',
      'putWill',
      'delWill',
      'destroy',
      'createRetainedStream',
      'createRetainedStreamCombi',
      'subscriptionsByClient',
      'subscriptionsByTopic',
      'countOffline',
      'getWill',
      'streamWill',
      'getClientList',
    ];
    const proto = MemoryPersistence.prototype as unknown as Record<string, unknown>;
    for (const name of methods) expect([name, typeof proto[name]]).toEqual([name, 'function']);
    expect((proto.setup as () => void).constructor.name).toBe('AsyncFunction');

    const p = new MemoryPersistence();
    await p.setup({ id: 'broker-now', counter: 0 });
    expect(p.broker?.id).toBe('broker-now');
    const will = { topic: 'w/t', payload: Buffer.from('gone'), brokerId: 'broker-before' };
    await p.putWill({ id: 'c1' }, will);
    expect([will.brokerId, (will as { clientId?: string }).clientId]).toEqual(['broker-now', 'c1']);
    expect(await p.getWill({ id: 'c1' })).toBe(will);
    await p.destroy();
  });

  for (const patched of [false, true]) {
    it(`3. aedes dedupes deliveries by broker counter through client.duplicates${patched ? '; forwardEverything turns it off' : ''}`, async () => {
      const aedes = await broker();
      if (patched)
        aedes.preConnect = (client, _packet, done) => {
          forwardEverything(client);
          done(null, true);
        };
      const sub = peer(aedes);
      sub.send(connect('sub'));
      await sub.next('connack');
      sub.send({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 'd/t', qos: 0 }] });
      await sub.next('suback');
      const { mq } = publishInternals(aedes);
      for (const counter of [5, 3, 6]) {
        const packet = {
          cmd: 'publish' as const,
          qos: 0 as const,
          dup: false,
          retain: false,
          topic: 'd/t',
          payload: Buffer.from(String(counter)),
          brokerId: 'other',
          brokerCounter: counter,
        };
        mq.emit(new AedesPacket(packet), () => {});
      }
      await until(() => sub.received.some((p) => String(p.payload) === '6'), 'the last delivery');
      const payloads = sub.received.filter((p) => p.cmd === 'publish').map((p) => String(p.payload));
      expect(payloads).toEqual(patched ? ['5', '3', '6'] : ['5', '6']);
    });
  }

  it('4. the CONNECT will is in client._will during authenticate and becomes client.will after it', async () => {
    const aedes = await broker();
    let during: unknown[] = [];
    aedes.authenticate = (client, _username, _password, done) => {
      during = [pendingWill(client)?.topic, (client as Client & { will?: unknown }).will];
      done(null, true);
    };
    let after: unknown;
    aedes.on('clientReady', (client) => {
      after = (client as Client & { will?: { topic: string } }).will?.topic;
    });
    const device = peer(aedes);
    device.send(
      connect('dev', { will: { topic: 'w/t', payload: Buffer.from('offline'), qos: 0, retain: false } }),
    );
    await device.next('connack');
    await until(() => after !== undefined, 'clientReady');
    expect(during).toEqual(['w/t', null]);
    expect(after).toBe('w/t');
  });

  it('5. aedes parses only what conn.read returns: a withheld chunk never reaches its parser', async () => {
    const aedes = await broker();
    const seen: Buffer[] = [];
    let ready: string | undefined;
    aedes.on('clientReady', (client) => {
      ready = client.id;
    });
    const device = peer(aedes, (conn) =>
      inspectReads(conn, (chunk) => {
        seen.push(Buffer.from(chunk));
        return seen.length > 1;
      }),
    );
    device.send(connect('withheld'));
    await until(() => seen.length === 1, 'the first read');
    device.send(connect('passed'));
    await device.next('connack');
    await until(() => ready !== undefined, 'clientReady');
    expect(ready).toBe('passed');
    expect(seen[0]).toEqual(mqttPacket.generate(connect('withheld')));
  });

  it('6a. after the PUBACK, the QoS 1 handler calls instance publish with the packet authorizePublish got', async () => {
    const aedes = await broker();
    const order: string[] = [];
    let authorized: PublishPacket | undefined;
    aedes.authorizePublish = (_client, packet, done) => {
      authorized = packet;
      done(null);
    };
    const calls: { packet: PublishPacket; client: Client | null }[] = [];
    replacePublish(aedes, (base) => (packet, client, done) => {
      if (packet.topic === 'q/1') {
        order.push('publish');
        calls.push({ packet, client });
      }
      base(packet, client, done);
    });
    const device = peer(aedes, (conn) => {
      const write = conn.write.bind(conn) as (chunk: Buffer, ...rest: unknown[]) => boolean;
      conn.write = ((chunk: Buffer, ...rest: unknown[]) => {
        if (chunk[0] === 0x40) order.push('puback');
        return write(chunk, ...rest);
      }) as typeof conn.write;
    });
    device.send(connect('pub'));
    await device.next('connack');
    device.send({
      cmd: 'publish',
      topic: 'q/1',
      payload: Buffer.from('x'),
      qos: 1,
      messageId: 7,
      retain: false,
      dup: false,
    });
    await device.next('puback');
    await until(() => calls.length === 1, 'the publish call');
    expect(order).toEqual(['puback', 'publish']);
    expect(calls[0]?.packet).toBe(authorized);
    expect(calls[0]?.client?.id).toBe('pub');
  });

  it("6b. aedes's own QoS 1 publish: storeRetained, subscriptionsByTopic, outgoingEnqueueCombi, mq.emit, published, 'publish'", async () => {
    const aedes = await broker();
    const internals = publishInternals(aedes);
    const order: string[] = [];
    const spy = <T extends object>(target: T, name: keyof T & string, mine: (arg: unknown) => boolean) => {
      const original = (target[name] as (...args: unknown[]) => unknown).bind(target);
      (target as Record<string, unknown>)[name] = (...args: unknown[]) => {
        if (mine(args[0])) order.push(name);
        return original(...args);
      };
    };
    const isOurs = (packet: unknown) => (packet as { topic?: string }).topic === 'p/q';
    spy(internals.persistence, 'storeRetained', isOurs);
    spy(internals.persistence, 'subscriptionsByTopic', (topic) => topic === 'p/q');
    spy(internals.persistence, 'outgoingEnqueueCombi', () => order.at(-1) === 'subscriptionsByTopic');
    let emittedBy: unknown;
    spy(internals.mq, 'emit', (packet) => {
      if (isOurs(packet)) emittedBy = (packet as { clientId?: string }).clientId;
      return isOurs(packet);
    });
    aedes.published = (packet, _client, done) => {
      if (isOurs(packet)) order.push('published');
      done(null);
    };
    aedes.on('publish', (packet) => isOurs(packet) && order.push('publish event'));
    const publish = aedes.publish as unknown as (
      p: PublishPacket,
      c: Client | null,
      done: () => void,
    ) => void;
    const packet = {
      cmd: 'publish',
      topic: 'p/q',
      payload: Buffer.from('x'),
      qos: 1,
      retain: true,
      dup: false,
    } as const;
    await new Promise<void>((resolve) => publish.call(aedes, packet, { id: 'publisher' } as Client, resolve));
    expect(order).toEqual([
      'storeRetained',
      'subscriptionsByTopic',
      'outgoingEnqueueCombi',
      'emit',
      'published',
      'publish event',
    ]);
    expect(emittedBy).toBe('publisher');
  });

  it('7. aedes pipes what createRetainedStreamCombi returns; pipeableRetained makes a stream of a generator', async () => {
    const aedes = await broker();
    const { persistence } = aedes as unknown as {
      persistence: { createRetainedStreamCombi(p: string[]): Readable };
    };
    const asked: string[][] = [];
    let piped = false;
    persistence.createRetainedStreamCombi = (patterns) => {
      asked.push(patterns);
      const stream = Readable.from([]);
      const pipe = stream.pipe.bind(stream);
      stream.pipe = ((destination: NodeJS.WritableStream) => {
        piped = true;
        return pipe(destination);
      }) as typeof stream.pipe;
      return stream;
    };
    const sub = peer(aedes);
    sub.send(connect('sub'));
    await sub.next('connack');
    sub.send({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 'r/#', qos: 1 }] });
    await sub.next('suback');
    await until(() => piped, 'the pipe');
    expect(asked).toEqual([['r/#']]);

    const source: RetainedSource = {
      async *createRetainedStreamCombi(_patterns: string[]) {
        yield { topic: 'r/1' };
      },
    };
    pipeableRetained(source);
    const stream = source.createRetainedStreamCombi(['r/#']);
    expect(stream).toBeInstanceOf(Readable);
    expect(await (stream as Readable).toArray()).toEqual([{ topic: 'r/1' }]);
    const already = Readable.from([]);
    const passthrough = { createRetainedStreamCombi: () => already };
    pipeableRetained(passthrough);
    expect(passthrough.createRetainedStreamCombi()).toBe(already);
  });

  it('8. the level and redis persistences keep an async class in asyncPersistence.js', () => {
    for (const backend of ['level', 'redis'] as const) {
      const proto = asyncPersistenceClass(backend).prototype as Record<string, () => unknown>;
      expect([backend, proto.setup?.constructor.name]).toEqual([backend, 'AsyncFunction']);
      expect([backend, typeof proto.createRetainedStreamCombi]).toEqual([backend, 'function']);
    }
  });

  it('9a. deliveries: once per matching subscription, fresh packets, one synchronous loop; authorizeForward gets that packet', async () => {
    const aedes = await broker();
    const calls: { via: string; packet: AedesPublishPacket; turn: number }[] = [];
    let turn = 0;
    const forwarded: unknown[] = [];
    aedes.authorizeForward = (_client, packet) => {
      forwarded.push(packet);
      return packet;
    };
    let subscriber: Client | undefined;
    aedes.preConnect = (client, _packet, done) => {
      subscriber = client;
      forwardEverything(client); // as the broker runs: aedes's own dedupe would forward the first copy only
      replaceDeliveries(client, (base) => {
        const record =
          (via: 'deliver0' | 'deliverQoS') => (packet: AedesPublishPacket, finished: () => void) => {
            // A microtask ran between two calls only if they were not in one synchronous loop.
            calls.push({ via, packet, turn });
            queueMicrotask(() => turn++);
            base[via](packet, finished);
          };
        return { deliver0: record('deliver0'), deliverQoS: record('deliverQoS') };
      });
      done(null, true);
    };
    const sub = peer(aedes);
    sub.send(connect('sub'));
    await sub.next('connack');
    const subscriptions = [
      { topic: 'a/#', qos: 2 },
      { topic: 'a/+', qos: 1 },
      { topic: 'a/b', qos: 0 },
    ];
    sub.send({ cmd: 'subscribe', messageId: 1, subscriptions });
    await sub.next('suback');
    const table = subscriptionsOf(subscriber as Client);
    expect(Object.fromEntries(Object.entries(table).map(([filter, s]) => [filter, s.qos]))).toEqual({
      'a/#': 2,
      'a/+': 1,
      'a/b': 0,
    });
    aedes.publish(
      { cmd: 'publish', topic: 'a/b', payload: Buffer.from('x'), qos: 1, retain: false, dup: false },
      () => {},
    );
    await until(() => calls.length === 3 && forwarded.length === 3, 'three deliveries');
    expect(calls.map((c) => c.via).sort()).toEqual(['deliver0', 'deliverQoS', 'deliverQoS']);
    expect(new Set(calls.map((c) => c.turn)).size).toBe(1);
    expect(new Set(calls.map((c) => c.packet)).size).toBe(3);
    expect(new Set(calls.map((c) => `${c.packet.brokerId}/${c.packet.brokerCounter}`)).size).toBe(1);
    for (const c of calls) expect(forwarded).toContain(c.packet);
  });

  it('9b. the retained messages of a SUBSCRIBE go through client.deliverQoS, without a broker id', async () => {
    const aedes = await broker();
    const retained: AedesPublishPacket[] = [];
    aedes.preConnect = (client, _packet, done) => {
      replaceDeliveries(client, (base) => ({
        deliver0: base.deliver0,
        deliverQoS: (packet, finished) => {
          retained.push(packet);
          base.deliverQoS(packet, finished);
        },
      }));
      done(null, true);
    };
    await new Promise<void>((resolve) =>
      aedes.publish(
        { cmd: 'publish', topic: 'r/x', payload: Buffer.from('kept'), qos: 1, retain: true, dup: false },
        () => resolve(),
      ),
    );
    const sub = peer(aedes);
    sub.send(connect('sub'));
    await sub.next('connack');
    sub.send({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 'r/#', qos: 0 }] });
    await until(() => retained.length === 1, 'the retained delivery');
    expect([retained[0]?.topic, retained[0]?.brokerId, retained[0]?.qos]).toEqual(['r/x', null, 1]);
  });

  it('9c. queued messages sent at CONNECT pass authorizeForward only, which must change the packet itself', async () => {
    const aedes = await broker();
    const sub = peer(aedes);
    sub.send(connect('persistent', { clean: false }));
    await sub.next('connack');
    sub.send({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 'q/#', qos: 2 }] });
    await sub.next('suback');
    sub.send({ cmd: 'disconnect' });
    await until(() => !clientsOf(aedes).persistent, 'the disconnect');
    await new Promise<void>((resolve) =>
      aedes.publish(
        { cmd: 'publish', topic: 'q/x', payload: Buffer.from('queued'), qos: 2, retain: false, dup: false },
        () => resolve(),
      ),
    );
    let delivered = 0;
    aedes.preConnect = (client, _packet, done) => {
      replaceDeliveries(client, (base) => ({
        deliver0: base.deliver0,
        deliverQoS: (packet, finished) => {
          delivered++;
          base.deliverQoS(packet, finished);
        },
      }));
      done(null, true);
    };
    aedes.authorizeForward = (_client, packet) => {
      packet.qos = 1; // a returned copy would be ignored there (lib/handlers/connect.js, emptyQueueFilter)
      return { ...packet, qos: 0 } as typeof packet;
    };
    const again = peer(aedes);
    again.send(connect('persistent', { clean: false }));
    await again.next('connack');
    const message = await again.next('publish');
    expect([message.payload?.toString(), message.qos, delivered]).toEqual(['queued', 1, 0]);
  });

  it('10. authenticate may set the client id: the session, aedes.clients and the events carry it', async () => {
    const aedes = await broker();
    aedes.authenticate = (client, _username, _password, done) => {
      expect(client.id).toMatch(/^aedes_/); // what aedes made of the empty id
      assignClientId(client, 'account:assigned');
      done(null, true);
    };
    let ready: string | undefined;
    aedes.on('clientReady', (client) => {
      ready = client.id;
    });
    const device = peer(aedes);
    device.send(connect(''));
    expect((await device.next('connack')).returnCode).toBe(0);
    await until(() => ready !== undefined, 'clientReady');
    expect(ready).toBe('account:assigned');
    expect(Object.keys(clientsOf(aedes))).toEqual(['account:assigned']);
  });

  it(`11. mqtt-packet ${MQTT_PACKET_VERSION} reads every string through _parseString; a null closes the connection`, async () => {
    expect(installedVersion('mqtt-packet', fromAedes.resolve('mqtt-packet'))).toBe(MQTT_PACKET_VERSION);
    const aedes = await broker();
    const seen: [string, string][] = [];
    const handle = aedes.handle;
    aedes.handle = (conn, req) => {
      const client = handle(conn, req);
      inspectStrings(client, (text, raw) => {
        seen.push([text, raw().toString('hex')]);
        return text !== 'refused/topic';
      });
      return client;
    };
    let closedWith: string | undefined;
    aedes.on('clientError', (_client, err) => {
      closedWith = err.message;
    });
    const device = peer(aedes);
    device.send(
      connect('strings', {
        username: 'user',
        password: Buffer.from('pw'),
        will: { topic: 'w/t', payload: Buffer.from('x'), qos: 0, retain: false },
      }),
    );
    await device.next('connack');
    device.send({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 'f/#', qos: 0 }] });
    await device.next('suback');
    device.send({
      cmd: 'publish',
      topic: 'refused/topic',
      payload: Buffer.from('x'),
      qos: 1,
      messageId: 2,
      retain: false,
      dup: false,
    });
    await until(() => closedWith !== undefined, 'the close');
    const hex = (text: string) => Buffer.from(text).toString('hex');
    expect(seen).toEqual(['MQTT', 'strings', 'w/t', 'user', 'f/#', 'refused/topic'].map((t) => [t, hex(t)]));
    expect(closedWith).toBe('Cannot parse topic');
    expect(device.received.some((p) => p.cmd === 'puback')).toBe(false);
  });
});
