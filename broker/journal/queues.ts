import { AedesPacket } from '../aedes-internals.ts';
import type { Packet } from './types.ts';

const NO_SUCH_PACKET = 'no such packet';

export function entry<K, V>(map: Map<K, V>, key: K, make: () => V): V {
  let value = map.get(key);
  if (value === undefined) {
    value = make();
    map.set(key, value);
  }
  return value;
}

/**
 * One client's outgoing queue in order, indexed by broker id and counter and by message id. aedes's memory
 * persistence searches an array from the head on every update and clear: with the tens of thousands of
 * messages in flight to a busy ingest that made each message cost O(queue) and the broker crawl.
 */
export class OutgoingQueue {
  #entries = new Map<number, Packet>();
  #byBroker = new Map<string, number>();
  #byMessageId = new Map<unknown, number>();
  #next = 0;
  readonly #onResize: (delta: number) => void;

  /** `onResize` hears of every message added or removed (Queues keeps the total with it). */
  constructor(onResize: (delta: number) => void = () => {}) {
    this.#onResize = onResize;
  }

  get size(): number {
    return this.#entries.size;
  }

  values(): IterableIterator<Packet> {
    return this.#entries.values();
  }

  push(packet: Packet): void {
    const slot = this.#next++;
    this.#entries.set(slot, packet);
    this.#index(slot, packet);
    this.#onResize(1);
  }

  /** See Queues.update. */
  update(packet: Packet): 'set' | 'replaced' | undefined {
    const slot = this.#byBroker.get(brokerKey(packet));
    const entry = slot === undefined ? undefined : this.#entries.get(slot);
    if (slot !== undefined && entry) {
      if (entry.messageId !== undefined && this.#byMessageId.get(entry.messageId) === slot)
        this.#byMessageId.delete(entry.messageId);
      entry.messageId = packet.messageId;
      this.#index(slot, entry);
      return 'set';
    }
    const byId = this.#byMessageId.get(packet.messageId);
    const other = byId === undefined ? undefined : this.#entries.get(byId);
    if (byId === undefined || !other || other.brokerId === packet.brokerId) return undefined;
    this.#byBroker.delete(brokerKey(other));
    this.#entries.set(byId, packet);
    this.#index(byId, packet);
    return 'replaced';
  }

  clear(messageId: unknown): Packet | undefined {
    const slot = this.#byMessageId.get(messageId);
    const entry = slot === undefined ? undefined : this.#entries.get(slot);
    if (slot === undefined || !entry) return undefined;
    this.#entries.delete(slot);
    this.#byMessageId.delete(messageId);
    if (this.#byBroker.get(brokerKey(entry)) === slot) this.#byBroker.delete(brokerKey(entry));
    this.#onResize(-1);
    return entry;
  }

  #index(slot: number, packet: Packet): void {
    if (packet.brokerId !== undefined) this.#byBroker.set(brokerKey(packet), slot);
    // Message ids wrap at 65535: the newest holder of an id is the one its PUBACK is for.
    if (packet.messageId !== undefined) this.#byMessageId.set(packet.messageId, slot);
  }
}

function brokerKey(packet: Packet): string {
  return `${packet.brokerId}\u0000${packet.brokerCounter}`;
}

/**
 * The outgoing queues and incoming QoS 2 packets of aedes-persistence 11's memory persistence, with its
 * logic (asyncPersistence.js), kept here because snapshots need each queue exactly, message ids
 * included, and the base class keeps them private. Live calls and replay both go through these.
 */
export class Queues {
  readonly outgoing = new Map<string, OutgoingQueue>();
  readonly incoming = new Map<string, Map<unknown, Packet>>();

  #queuedMessages = 0;
  readonly #resize = (delta: number) => {
    this.#queuedMessages += delta;
  };

  /** Messages in all outgoing queues; kept as they change, since every device publish may ask. */
  get queuedMessages(): number {
    return this.#queuedMessages;
  }

  queue(clientId: string): OutgoingQueue {
    return entry(this.outgoing, clientId, () => new OutgoingQueue(this.#resize));
  }

  /** `wrapped` (an AedesPacket) goes to the first queue; each other queue gets its own copy (ids are per client). */
  enqueue(clientIds: string[], wrapped: Packet): void {
    for (let i = 0; i < clientIds.length; i++)
      this.queue(clientIds[i] as string).push(i === 0 ? wrapped : new AedesPacket(wrapped));
  }

  /**
   * Gives the queued message with this broker id and counter its message id ('set'); a packet from
   * elsewhere with the message id of a queued one replaces it in place ('replaced': a PUBREL,
   * [MQTT-4.3.3]; only then does replay need the whole packet recorded).
   */
  update(clientId: string, packet: Packet): 'set' | 'replaced' {
    const result = this.outgoing.get(clientId)?.update(packet);
    if (!result) throw new Error(NO_SUCH_PACKET);
    return result;
  }

  clear(clientId: string, messageId: unknown): Packet | undefined {
    const queue = this.outgoing.get(clientId);
    const cleared = queue?.clear(messageId);
    if (queue && queue.size === 0) this.outgoing.delete(clientId);
    return cleared;
  }

  storeIncoming(clientId: string, packet: Packet): Packet {
    const stored = new AedesPacket(packet);
    stored.messageId = packet.messageId;
    entry(this.incoming, clientId, () => new Map()).set(packet.messageId, stored);
    return stored;
  }

  getIncoming(clientId: string, messageId: unknown): Packet {
    const stored = this.incoming.get(clientId)?.get(messageId);
    if (!stored) throw new Error(NO_SUCH_PACKET);
    return stored;
  }

  delIncoming(clientId: string, messageId: unknown): void {
    const store = this.incoming.get(clientId);
    if (!store?.delete(messageId)) throw new Error(NO_SUCH_PACKET);
    if (store.size === 0) this.incoming.delete(clientId);
  }
}
