import { mkdir } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { type FolderLock, lockFolder } from '../../lib/folder-lock.ts';
import type { Logger } from '../../lib/log.ts';
import { enforcePrivate } from '../../lib/private-files.ts';
import { AedesPacket, MemoryPersistence } from '../aedes-internals.ts';
import { Journal, type JournalOptions, loadJournal, rejected } from './journal.ts';
import { Queues } from './queues.ts';
import { encodeRecord, type Meta, Op, type OpCode } from './records.ts';
import { replayRecords } from './replay.ts';
import { SnapshotState } from './snapshot.ts';
import { type Client, type Packet, packetMeta, type Subscriber, type Subscription } from './types.ts';

export type JournalPersistenceOptions = JournalOptions & { log?: Logger };

/**
 * aedes's in-memory persistence made durable: every change to the state appends a record to an
 * on-disk journal (journal.ts: group commit, one write per event-loop turn), and the promise aedes
 * waits on resolves once that write has returned. Reads are served from memory. On start the journal
 * is replayed into memory (replay.ts), then compacted into a snapshot of the live state.
 *
 * Retained messages, subscriptions and wills live in the base class; snapshot.ts keeps their latest
 * records (or, for subscriptions, a copy) only to write snapshots. The outgoing queues and incoming QoS
 * 2 packets live in queues.ts, with the base class's logic.
 */
export class JournalPersistence extends MemoryPersistence {
  readonly #options: JournalPersistenceOptions;
  #journal: Journal | undefined;
  #lock: FolderLock | undefined;
  #replaying = false;
  readonly #queues = new Queues();
  readonly #state = new SnapshotState();

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
    this.#journal = await Journal.start({ ...this.#options, onFailure }, loaded, () =>
      this.#state.records(this.#queues),
    );
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

  /** Client ids holding a session: subscriptions or queued messages (the broker's session limit seeds from them). */
  sessionClientIds(): Set<string> {
    return new Set([...this.#state.clientIds(), ...this.#queues.outgoing.keys()]);
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
    const removed = packet.payload === undefined || packet.payload.length === 0;
    this.#state.retain(String(packet.topic), removed ? undefined : record);
    const written = this.#write(record);
    await stored;
    await written;
  }

  // Subscriptions -----------------------------------------------------------------------------------

  override async addSubscriptions(client: Client, subs: Subscription[]): Promise<void> {
    const stored = super.addSubscriptions(client, subs);
    this.#state.subscribe(client.id, subs);
    const written = this.#append(Op.addSubscriptions, { c: client.id, s: subs });
    await stored;
    await written;
  }

  override async removeSubscriptions(client: Client, topics: string[]): Promise<void> {
    const stored = super.removeSubscriptions(client, topics);
    this.#state.unsubscribe(client.id, topics);
    const written = this.#append(Op.removeSubscriptions, { c: client.id, t: topics });
    await stored;
    await written;
  }

  override async cleanSubscriptions(client: Client): Promise<void> {
    const stored = super.cleanSubscriptions(client);
    if (!this.#state.cleanSubscriptions(client.id)) return stored;
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
    this.#state.setWill(client.id, record);
    const written = this.#write(record);
    await stored;
    await written;
  }

  override async delWill(client: Client): Promise<Packet | undefined> {
    const will = super.delWill(client);
    if (!this.#state.deleteWill(client.id)) return will;
    const written = this.#append(Op.delWill, { c: client.id });
    const packet = await will;
    await written;
    return packet;
  }

  // Replay ------------------------------------------------------------------------------------------

  /** Replays the journal into memory (replay.ts) without writing its records again. */
  #replay(bodies: Buffer[]): number {
    this.#replaying = true;
    try {
      return replayRecords(bodies, {
        queues: this.#queues,
        storeRetained: (packet) => this.storeRetained(packet),
        addSubscriptions: (client, subs) => this.addSubscriptions(client, subs),
        removeSubscriptions: (client, topics) => this.removeSubscriptions(client, topics),
        cleanSubscriptions: (client) => this.cleanSubscriptions(client),
        delWill: (client) => this.delWill(client),
        restoreWill: (client, will) => {
          const brokerId = will.brokerId;
          const done = super.putWill(client, will);
          // putWill stamps the current broker's id; a will replayed from before a crash belongs to the
          // broker that died, so aedes publishes it (streamWill for dead brokers), as with level.
          will.brokerId = brokerId;
          const record = encodeRecord(Op.putWill, { c: client.id, p: packetMeta(will) }, will.payload);
          this.#state.setWill(client.id, record);
          return done;
        },
      });
    } finally {
      this.#replaying = false;
    }
  }
}
