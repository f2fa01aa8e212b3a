import { createRequire } from 'node:module';
import { type Duplex, Readable } from 'node:stream';
import type { Aedes, Client, PublishPacket } from 'aedes';
import type { Packet, Client as PersistenceClient, Subscriber, Subscription } from './journal/types.ts';

/**
 * Everything the broker relies on inside aedes beyond the API it documents and types: aedes 1.2.0,
 * aedes-packet 4.0.1, aedes-persistence 11.0.0, aedes-persistence-level 9.2.0 and
 * aedes-persistence-redis 11.2.2, which package.json pins to these exact versions. Each item below
 * cites the upstream file (under node_modules/<package>/) and has a contract test in
 * aedes-internals.test.ts, run against the installed copies: an upgrade that breaks one fails there.
 */

// Resolved from aedes's own folder: the very copies aedes loads, so that `instanceof` agrees with it.
const fromAedes = createRequire(import.meta.resolve('aedes'));
const fromHere = createRequire(import.meta.url);

// 1. aedes-packet ------------------------------------------------------------------------------------

/**
 * aedes-packet's Packet (packet.js), the class aedes.js `publish` wraps every message in: it keeps
 * `brokerId` and `brokerCounter` when the packet has them, otherwise stamps the broker's id and its
 * next counter (`++broker.counter`), and resets `messageId` for QoS > 0.
 */
export const AedesPacket = fromAedes('aedes-packet') as new <T extends object>(
  original: T,
  broker?: unknown,
) => T & { brokerId: string; brokerCounter: number };

// 2. aedes-persistence's in-memory store -------------------------------------------------------------

/** The methods of aedes-persistence 11's MemoryPersistence (asyncPersistence.js) the journal builds on. */
export type MemoryPersistenceClass = new (
  opts?: object,
) => {
  readonly broker: { id: string } | undefined;
  setup(broker: unknown): Promise<void>;
  storeRetained(packet: Packet): Promise<void>;
  addSubscriptions(client: PersistenceClient, subs: Subscription[]): Promise<void>;
  removeSubscriptions(client: PersistenceClient, topics: string[]): Promise<void>;
  cleanSubscriptions(client: PersistenceClient): Promise<void>;
  /** Stamps the packet with the current broker's id and the client's id, then stores it. */
  putWill(client: PersistenceClient, packet: Packet): Promise<void>;
  delWill(client: PersistenceClient): Promise<Packet | undefined>;
  destroy(): Promise<void>;
  createRetainedStream(pattern: string): Readable;
  createRetainedStreamCombi(patterns: string[]): Readable;
  subscriptionsByClient(client: PersistenceClient): Promise<Subscription[]>;
  subscriptionsByTopic(topic: string): Promise<(Subscription & Subscriber)[]>;
  countOffline(): Promise<{ subsCount: number; clientsCount: number }>;
  getWill(client: PersistenceClient): Promise<Packet | undefined>;
  streamWill(brokers?: Record<string, unknown>): Readable;
  getClientList(topic: string): Readable;
};

/** The async class itself (aedes's default `aedes-persistence` export wraps it in callbacks). */
export const MemoryPersistence = fromAedes('aedes-persistence/asyncPersistence.js') as MemoryPersistenceClass;

// 3. Delivery dedupe ---------------------------------------------------------------------------------

/**
 * aedes drops a delivery whose broker counter is not above the last one the client got from that
 * broker (lib/client.js, dedupe, over `client.duplicates`). The counter is taken when a publish starts,
 * but on-disk persistence finishes publishes out of order, so later-numbered messages overtake earlier
 * ones and the earlier ones were silently lost (about 1 in 100 under a burst with
 * aedes-persistence-level). QoS 1 is at-least-once anyway: a rare duplicate (a queued message also
 * delivered live on reconnect) is what subscribers already handle; a lost message is not.
 */
const FORWARD_EVERYTHING: object = new Proxy(Object.create(null), {
  get: () => 0,
  set: () => true,
});

/** Turns the dedupe off for one client: its `duplicates` table always reads 0 and keeps nothing. */
export function forwardEverything(client: Client): void {
  (client as Client & { duplicates: object }).duplicates = FORWARD_EVERYTHING;
}

// 4. The will of a CONNECT being authenticated ---------------------------------------------------------

/**
 * lib/handlers/connect.js (init) keeps the CONNECT's will in `client._will` while the client is
 * authenticated; storeWill copies it to the public `client.will` only after authenticate has passed.
 */
export function pendingWill(client: Client): { topic: string } | null | undefined {
  return (client as Client & { _will?: { topic: string } | null })._will;
}

// 5. How aedes reads a connection --------------------------------------------------------------------

/**
 * aedes pulls bytes with `conn.read(null)` on 'readable' and parses only what that returns
 * (lib/client.js, nextBatch), so wrapping `read` sees every chunk before the parser, without another
 * stream in the path (a Transform would cost throughput on every packet). `inspect` returning false
 * withholds the chunk: the parser never sees it.
 */
export function inspectReads(conn: Duplex, inspect: (chunk: Buffer) => boolean): void {
  const read = conn.read.bind(conn);
  conn.read = (size?: number) => {
    const chunk = read(size) as Buffer | string | null;
    if (chunk === null || typeof chunk === 'string') return chunk;
    return inspect(chunk) ? chunk : null;
  };
}

// 6. The publish pipeline ----------------------------------------------------------------------------

type Done = (err?: Error | null) => void;
export type AedesPublishPacket = PublishPacket & {
  brokerId: string;
  brokerCounter: number;
  clientId?: string;
};

/** `aedes.publish` with its three-argument form (aedes.js); the typings only declare two. */
export type Publish = (packet: PublishPacket, client: Client | null, done: Done) => void;

/** The undeclared members of an aedes instance (aedes.js) a replacement publish drives. */
export type PublishInternals = {
  persistence: {
    storeRetained(packet: AedesPublishPacket): Promise<void>;
    subscriptionsByTopic(topic: string): Promise<{ clientId: string; qos: number }[]>;
    outgoingEnqueueCombi(subs: { clientId: string }[], packet: AedesPublishPacket): Promise<void>;
  };
  mq: {
    emit(packet: AedesPublishPacket, done: (err?: Error | null) => void): void;
    on(topic: string, listener: (packet: AedesPublishPacket, done: () => void) => void): void;
  };
  published(packet: PublishPacket, client: Client | null, done: Done): void;
  emit(event: 'publish', packet: PublishPacket, client: Client | null): boolean;
};

export function publishInternals(aedes: Aedes): PublishInternals {
  return aedes as unknown as PublishInternals;
}

/**
 * Replaces `publish` on one aedes instance; `make` gets aedes's own. What a replacement may count
 * on: the QoS 1 handler (lib/handlers/publish.js, enqueuePublish) writes
 * the PUBACK, then calls `client.broker.publish(packet, client, done)` with the very packet object
 * authorizePublish was given; aedes's own publish of a QoS > 0 message runs storeRetained,
 * enqueueOffline (persistence.subscriptionsByTopic, then outgoingEnqueueCombi), emitPacket (mq.emit,
 * with the publisher's clientId on the packet) and callPublished (the `published` hook, then the
 * 'publish' event), in that order (aedes.js, publishFuncsQoS).
 */
export function replacePublish(aedes: Aedes, make: (base: Publish) => Publish): void {
  const broker = aedes as unknown as { publish: Publish };
  broker.publish = make(broker.publish.bind(aedes));
}

// 7. Retained messages from aedes-persistence-redis ----------------------------------------------------

export type RetainedSource = {
  createRetainedStreamCombi(patterns: string[]): Readable | AsyncIterable<unknown>;
};

/**
 * aedes calls `.pipe()` on what `createRetainedStreamCombi` returns (lib/handlers/subscribe.js,
 * handleSubscribe); aedes-persistence-redis 11.2.2 returns an async generator (asyncPersistence.js,
 * matchRetained), so the first SUBSCRIBE matching a retained message threw out of a timer and took the
 * broker down. This wraps whatever is not a stream in one.
 */
export function pipeableRetained(persistence: RetainedSource): void {
  const retained = persistence.createRetainedStreamCombi.bind(persistence);
  persistence.createRetainedStreamCombi = (patterns) => {
    const source = retained(patterns);
    return source instanceof Readable ? source : Readable.from(source);
  };
}

// 8. The async classes of the on-disk and Redis persistences --------------------------------------------

/** aedes.js `listen` refuses a persistence whose `setup` is not an AsyncFunction. */
export type AsyncPersistenceClass = new (
  ...args: unknown[]
) => {
  setup(broker: unknown): Promise<void>;
  destroy(): Promise<void>;
};

/**
 * The packages' main exports are callback wrappers aedes 1.x refuses; the async classes sit in an
 * undeclared subpath (asyncPersistence.js). Loaded on demand: only the chosen backend is required.
 */
export function asyncPersistenceClass(backend: 'level' | 'redis'): AsyncPersistenceClass {
  return fromHere(`aedes-persistence-${backend}/asyncPersistence.js`) as AsyncPersistenceClass;
}

// 9. Per-client delivery -------------------------------------------------------------------------------

/** What a subscription's listener hands a message to (lib/client.js, deliver0 and deliverQoS). */
export type Deliver = (packet: AedesPublishPacket, done: () => void) => void;

/**
 * lib/client.js gives each client `deliver0` and `deliverQoS`; lib/handlers/subscribe.js (addSubs)
 * reads `client.deliverQoS` or `client.deliver0` when it adds a subscription, by the subscription's QoS,
 * and calls it once per matching subscription for every message, each time with a fresh aedes-packet
 * (handlePacketSubscription); the retained messages a SUBSCRIBE sends (completeSubscribe) go through
 * `client.deliverQoS` too. So replacing both before the CONNECT's subscriptions are restored (in
 * preConnect) sees every live delivery. Queued messages sent at CONNECT (lib/handlers/connect.js,
 * emptyQueue) do not pass here, only through `authorizeForward`, whose return value aedes only tests
 * there (emptyQueueFilter writes the packet it passed): a change must be made on that packet.
 */
export function replaceDeliveries(
  client: Client,
  make: (base: { deliver0: Deliver; deliverQoS: Deliver }) => { deliver0: Deliver; deliverQoS: Deliver },
): void {
  const c = client as Client & { deliver0: Deliver; deliverQoS: Deliver };
  const made = make({ deliver0: c.deliver0, deliverQoS: c.deliverQoS });
  c.deliver0 = made.deliver0;
  c.deliverQoS = made.deliverQoS;
}

/** `client.subscriptions` (lib/client.js): the client's live subscriptions, keyed by filter, with their QoS. */
export function subscriptionsOf(client: Client): Record<string, { qos: number }> {
  return (client as Client & { subscriptions: Record<string, { qos: number }> }).subscriptions;
}

// 10. The client id of a CONNECT being authenticated ----------------------------------------------------

/**
 * lib/handlers/connect.js (init) sets `client.id` from the CONNECT (an empty one becomes
 * `aedes_<uuid>`) before authenticate, the first of connectActions; everything keyed by the id
 * (session, subscriptions, will, `aedes.clients`) comes after it. So authenticate may set the id.
 */
export function assignClientId(client: Client, id: string): void {
  (client as Client & { id: string }).id = id;
}

// 11. How mqtt-packet 9.0.2 reads a string -------------------------------------------------------------

type StringParser = {
  _parseString(): string | null;
  _pos: number;
  _list: { slice(start: number, end: number): Buffer };
};

/** The mqtt-packet the contract test checks: aedes's copy, which package.json does not pin itself. */
export const MQTT_PACKET_VERSION = '9.0.2';

/**
 * Every UTF-8 string of a packet (client id, will topic, user name, topic names and filters) goes
 * through the parser's `_parseString` (parser.js), which reads a 2-byte length at `_pos`, decodes the
 * bytes after it from the `_list` buffer with U+FFFD for ill-formed ones and moves `_pos` past them; a
 * null return makes its caller emit a parse error, and aedes closes the connection on it (lib/client.js).
 * `inspect` gets each decoded string and its raw bytes (read only when asked for); false refuses it.
 * aedes.handle returns the Client before any byte is read, and its parser is `client._parser`.
 */
export function inspectStrings(client: Client, inspect: (text: string, raw: () => Buffer) => boolean): void {
  const parser = (client as Client & { _parser: StringParser })._parser;
  const parse = parser._parseString;
  parser._parseString = function parseString(this: StringParser) {
    const start = this._pos;
    const text = parse.call(this);
    if (text === null) return null;
    return inspect(text, () => this._list.slice(start + 2, this._pos)) ? text : null;
  };
}
