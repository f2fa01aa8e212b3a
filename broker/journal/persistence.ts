import { mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { Readable } from 'node:stream';
import { type FolderLock, lockFolder } from '../../lib/folder-lock.ts';
import type { Logger } from '../../lib/log.ts';
import { enforcePrivate } from '../../lib/private-files.ts';
import { AedesPacket } from '../aedes-packet.ts';
import { Journal, type JournalOptions, loadJournal, rejected } from './journal.ts';
import { entry, Queues } from './queues.ts';
import { decodeBody, encodeRecord, type Meta, Op, type OpCode } from './records.ts';
import { type Client, type Packet, packetMeta, type Subscriber, type Subscription } from './types.ts';

// The copy aedes itself loads of its in-memory persistence (aedes-persistence 11, a dependency of aedes).
const aedesRequire = createRequire(import.meta.resolve('aedes'));
type MemoryPersistenceClass = new (
  opts?: object,
) => {
  readonly broker: { id: string } | undefined;
  setup(broker: unknown): Promise<void>;
  storeRetained(packet: Packet): Promise<void>;
  addSubscriptions(client: Client, subs: Subscription[]): Promise<void>;
  removeSubscriptions(client: Client, topics: string[]): Promise<void>;
  cleanSubscriptions(client: Client): Promise<void>;
  putWill(client: Client, packet: Packet): Promise<void>;
  delWill(client: Client): Promise<Packet | undefined>;
  destroy(): Promise<void>;
  // Reads, served by the base class as they are.
  createRetainedStream(pattern: string): Readable;
  createRetainedStreamCombi(patterns: string[]): Readable;
  subscriptionsByClient(client: Client): Promise<Subscription[]>;
  subscriptionsByTopic(topic: string): Promise<(Subscription & Subscriber)[]>;
  countOffline(): Promise<{ subsCount: number; clientsCount: number }>;
  getWill(client: Client): Promise<Packet | undefined>;
  streamWill(brokers?: Record<string, unknown>): Readable;
  getClientList(topic: string): Readable;
};
const MemoryPersistence = aedesRequire('aedes-persistence/asyncPersistence.js') as MemoryPersistenceClass;

export type JournalPersistenceOptions = JournalOptions & { log?: Logger };

/**
 * aedes's in-memory persistence made durable: every change to the state appends a record to an
 * on-disk journal (journal.ts: group commit, one write per event-loop turn), and the promise aedes
 * waits on resolves once that write has returned. Reads are served from memory. On start the journal
 * is replayed into memory, then compacted into a snapshot of the live state.
 *
 * Retained messages, subscriptions and wills live in the base class; this class keeps their latest
 * records (or, for subscriptions, a copy) only to write snapshots. The outgoing queues and incoming QoS
 * 2 packets live in queues.ts, with the base class's logic.
 */
export class JournalPersistence extends MemoryPersistence {
  readonly #options: JournalPersistenceOptions;
  #journal: Journal | undefined;
  #lock: FolderLock | undefined;
  #replaying = false;
  readonly #queues = new Queues();
  readonly #subscriptions = new Map<string, Map<string, Subscription>>();
  readonly #retained = new Map<string, Buffer>();
  readonly #wills = new Map<string, Buffer>();

  constructor(options: JournalPersistenceOptions) {
    super();
    this.#options = options;
  }

  get journal(): Journal | undefined {
    return this.#journal;
  }

  override async setup(broker: unknown): Promise<void> {
    await super.setup(broker);
    await mkdir(this.#options.dir, { recursive: true });
    this.#lock = lockFolder(this.#options.dir);
    const loaded = await loadJournal(this.#options.dir);
    const started = performance.now();
    const failed = this.#replay(loaded.bodies);
    const log = this.#options.log;
    if (loaded.ignoredBytes > 0)
      log?.warn(
        {
          dir: this.#options.dir,
          offset: loaded.bytes,
          ignoredBytes: loaded.ignoredBytes,
          reason: loaded.stopped,
        },
        'journal: unreadable tail ignored (a crash mid-write leaves one; its callers were never answered)',
      );
    const onFailure = (err: Error) =>
      log?.error(
        { err, dir: this.#options.dir },
        'journal write failed: changes are refused until a restart',
      );
    this.#journal = await Journal.start({ ...this.#options, onFailure }, loaded, () => this.#snapshot());
    await enforcePrivate(this.#options.dir, log); // after start: covers the snapshot it just wrote too
    log?.info(
      {
        dir: this.#options.dir,
        records: loaded.bodies.length,
        failedRecords: failed,
        replayMs: Math.round(performance.now() - started),
        snapshotBytes: this.#journal.bytes,
      },
      'journal replayed',
    );
  }

  override async destroy(): Promise<void> {
    await this.#journal?.close();
    this.#lock?.release();
    this.#lock = undefined;
    await super.destroy();
  }

  /** Messages queued for persistent sessions (sent or not, not yet acknowledged): all held in RAM. */
  get queuedMessages(): number {
    return this.#queues.queuedMessages;
  }

  /** Messages in one client's queue. */
  queuedFor(clientId: string): number {
    return this.#queues.outgoing.get(clientId)?.size ?? 0;
  }

  /** Appends a record; the returned promise resolves once it is written. Nothing is written during replay. */
  #append(op: OpCode, meta: Meta, payload?: Buffer | string): Promise<void> {
    const record = encodeRecord(op, meta, payload);
    return this.#write(record);
  }

  #write(record: Buffer): Promise<void> {
    if (this.#replaying) return Promise.resolve();
    if (!this.#journal) return rejected(new Error('journal persistence used before setup()'));
    return this.#journal.append(record);
  }

  // Retained messages -------------------------------------------------------------------------------

  override async storeRetained(packet: Packet): Promise<void> {
    const stored = super.storeRetained(packet);
    const record = encodeRecord(Op.storeRetained, packetMeta(packet), packet.payload);
    if (packet.payload === undefined || packet.payload.length === 0)
      this.#retained.delete(String(packet.topic));
    else this.#retained.set(String(packet.topic), record);
    const written = this.#write(record);
    await stored;
    await written;
  }

  // Subscriptions -----------------------------------------------------------------------------------

  override async addSubscriptions(client: Client, subs: Subscription[]): Promise<void> {
    const stored = super.addSubscriptions(client, subs);
    const mine = entry(this.#subscriptions, client.id, () => new Map());
    for (const sub of subs) mine.set(sub.topic, sub);
    const written = this.#append(Op.addSubscriptions, { c: client.id, s: subs });
    await stored;
    await written;
  }

  override async removeSubscriptions(client: Client, topics: string[]): Promise<void> {
    const stored = super.removeSubscriptions(client, topics);
    const mine = this.#subscriptions.get(client.id);
    if (mine) {
      for (const topic of topics) mine.delete(topic);
      if (mine.size === 0) this.#subscriptions.delete(client.id);
    }
    const written = this.#append(Op.removeSubscriptions, { c: client.id, t: topics });
    await stored;
    await written;
  }

  override async cleanSubscriptions(client: Client): Promise<void> {
    const stored = super.cleanSubscriptions(client);
    if (!this.#subscriptions.delete(client.id)) return stored;
    const written = this.#append(Op.cleanSubscriptions, { c: client.id });
    await stored;
    await written;
  }

  // Outgoing queues (asyncPersistence.js's logic, here so that snapshots see them) ---------------------

  async outgoingEnqueue(sub: Subscriber, packet: Packet): Promise<void> {
    return this.outgoingEnqueueCombi([sub], packet);
  }

  async outgoingEnqueueCombi(subs: Subscriber[], packet: Packet): Promise<void> {
    if (subs.length === 0) return;
    const clientIds = subs.map((sub) => sub.clientId);
    // The record holds the packet once, however many queues get it.
    const wrapped = new AedesPacket(packet);
    this.#queues.enqueue(clientIds, wrapped);
    return this.#append(Op.outgoingEnqueue, { c: clientIds, p: packetMeta(wrapped) }, wrapped.payload);
  }

  /**
   * A message id given to a queued message (the 'set' case) is not waited for: aedes sends the message
   * when this resolves, and if a crash loses the record, the message is still queued and is sent again
   * after the restart (at least once, as QoS 1 promises). Records stay in order, so the state after a
   * crash is always one the broker went through. A PUBREL replacing a message is waited for: sending
   * the PUBLISH again after the PUBREL would break QoS 2 [MQTT-4.3.3-1].
   */
  async outgoingUpdate(client: Client, packet: Packet): Promise<void> {
    if (this.#queues.update(client.id, packet) === 'set') {
      void this.#append(Op.outgoingUpdate, {
        c: client.id,
        b: packet.brokerId,
        n: packet.brokerCounter,
        m: packet.messageId,
      });
      return;
    }
    return this.#append(Op.outgoingUpdate, { c: client.id, p: packetMeta(packet) }, packet.payload);
  }

  /**
   * Not waited for either: it follows the subscriber's PUBACK (or PUBCOMP), and if a crash loses it the
   * message (or PUBREL) is sent again after the restart, which both QoS 1 and 2 allow.
   */
  async outgoingClearMessageId(client: Client, packet: Packet): Promise<Packet | undefined> {
    const cleared = this.#queues.clear(client.id, packet.messageId);
    if (cleared) void this.#append(Op.outgoingClear, { c: client.id, m: packet.messageId });
    return cleared;
  }

  outgoingStream(client: Client): Readable {
    // A copy: the queue changes while the stream is read.
    return Readable.from([...(this.#queues.outgoing.get(client.id)?.values() ?? [])]);
  }

  // Incoming QoS 2 packets --------------------------------------------------------------------------

  async incomingStorePacket(client: Client, packet: Packet): Promise<void> {
    const stored = this.#queues.storeIncoming(client.id, packet);
    return this.#append(Op.incomingStore, { c: client.id, p: packetMeta(stored) }, stored.payload);
  }

  async incomingGetPacket(client: Client, packet: Packet): Promise<Packet> {
    return this.#queues.getIncoming(client.id, packet.messageId);
  }

  async incomingDelPacket(client: Client, packet: Packet): Promise<void> {
    this.#queues.delIncoming(client.id, packet.messageId);
    return this.#append(Op.incomingDel, { c: client.id, m: packet.messageId });
  }

  async cleanIncoming(client: Client): Promise<void> {
    if (this.#queues.incoming.delete(client.id)) return this.#append(Op.cleanIncoming, { c: client.id });
  }

  // Wills -------------------------------------------------------------------------------------------

  override async putWill(client: Client, packet: Packet): Promise<void> {
    const stored = super.putWill(client, packet); // sets the packet's brokerId and clientId
    const record = encodeRecord(Op.putWill, { c: client.id, p: packetMeta(packet) }, packet.payload);
    this.#wills.set(client.id, record);
    const written = this.#write(record);
    await stored;
    await written;
  }

  override async delWill(client: Client): Promise<Packet | undefined> {
    const will = super.delWill(client);
    if (!this.#wills.delete(client.id)) return will;
    const written = this.#append(Op.delWill, { c: client.id });
    const packet = await will;
    await written;
    return packet;
  }

  // Replay and snapshot -----------------------------------------------------------------------------

  /** Applies records in order, as the live calls did; returns how many failed (as they failed live). */
  #replay(bodies: Buffer[]): number {
    this.#replaying = true;
    let failed = 0;
    const count = () => {
      failed++;
    };
    try {
      for (const body of bodies) {
        try {
          const done = this.#apply(body);
          if (done) done.catch(count);
        } catch {
          failed++;
        }
      }
    } finally {
      this.#replaying = false;
    }
    return failed;
  }

  #apply(body: Buffer): Promise<unknown> | undefined {
    const { op, meta, payload } = decodeBody(body);
    const client = { id: meta.c as string };
    const packet = (): Packet => ({ ...(meta.p as Meta), ...(payload === undefined ? {} : { payload }) });
    switch (op) {
      case Op.storeRetained:
        return this.storeRetained({ ...meta, payload });
      case Op.addSubscriptions:
        return this.addSubscriptions(client, meta.s as Subscription[]);
      case Op.removeSubscriptions:
        return this.removeSubscriptions(client, meta.t as string[]);
      case Op.cleanSubscriptions:
        return this.cleanSubscriptions(client);
      case Op.outgoingEnqueue:
        return void this.#queues.enqueue(meta.c as string[], new AedesPacket(packet()));
      case Op.outgoingUpdate:
        return void this.#queues.update(
          client.id,
          meta.p
            ? packet()
            : { brokerId: meta.b as string, brokerCounter: meta.n as number, messageId: meta.m as number },
        );
      case Op.outgoingRestore: {
        const p = packet();
        const entry = meta.k === 1 ? new AedesPacket(p) : p;
        if ('messageId' in p) entry.messageId = p.messageId;
        return void this.#queues.queue(client.id).push(entry);
      }
      case Op.outgoingClear:
        return void this.#queues.clear(client.id, meta.m);
      case Op.incomingStore:
        return void this.#queues.storeIncoming(client.id, packet());
      case Op.incomingDel:
        return void this.#queues.delIncoming(client.id, meta.m);
      case Op.cleanIncoming:
        return void this.#queues.incoming.delete(client.id);
      case Op.putWill: {
        const will = packet();
        const brokerId = will.brokerId;
        const done = super.putWill(client, will);
        // putWill stamps the current broker's id; a will replayed from before a crash belongs to the
        // broker that died, so aedes publishes it (streamWill for dead brokers), as with level.
        will.brokerId = brokerId;
        this.#wills.set(
          client.id,
          encodeRecord(Op.putWill, { c: client.id, p: packetMeta(will) }, will.payload),
        );
        return done;
      }
      case Op.delWill:
        return this.delWill(client);
      default:
        throw new Error(`unknown journal record ${op}`);
    }
  }

  /** The live state as records; synchronous, so it matches exactly the records appended until now. */
  #snapshot(): Buffer[] {
    const records: Buffer[] = [...this.#retained.values()];
    for (const [c, subs] of this.#subscriptions)
      records.push(encodeRecord(Op.addSubscriptions, { c, s: [...subs.values()] }));
    for (const [c, queue] of this.#queues.outgoing)
      for (const entry of queue.values())
        records.push(
          encodeRecord(
            Op.outgoingRestore,
            { c, k: entry instanceof AedesPacket ? 1 : 0, p: packetMeta(entry) },
            entry.payload,
          ),
        );
    for (const [c, store] of this.#queues.incoming)
      for (const packet of store.values())
        records.push(encodeRecord(Op.incomingStore, { c, p: packetMeta(packet) }, packet.payload));
    records.push(...this.#wills.values());
    return records;
  }
}
