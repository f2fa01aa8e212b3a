import { createRequire } from 'node:module';
import type { Packet } from './types.ts';

/** aedes's own packet class, the copy aedes and aedes-persistence load. */
export const AedesPacket = createRequire(import.meta.resolve('aedes'))('aedes-packet') as new (
  original: Packet,
) => Packet;

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
 * The outgoing queues and incoming QoS 2 packets of aedes-persistence 11's memory persistence, with its
 * logic (asyncPersistence.js), kept here because snapshots need each queue exactly, message ids
 * included, and the base class keeps them private. Live calls and replay both go through these.
 */
export class Queues {
  readonly outgoing = new Map<string, Packet[]>();
  readonly incoming = new Map<string, Map<unknown, Packet>>();

  queue(clientId: string): Packet[] {
    return entry(this.outgoing, clientId, () => []);
  }

  /** `wrapped` (an AedesPacket) goes to the first queue; each other queue gets its own copy (ids are per client). */
  enqueue(clientIds: string[], wrapped: Packet): void {
    for (let i = 0; i < clientIds.length; i++)
      this.queue(clientIds[i] as string).push(i === 0 ? wrapped : new AedesPacket(wrapped));
  }

  /**
   * Replay runs the same search with the same brokerId, brokerCounter and messageId, so it lands on
   * the same entry; only a replaced entry (a PUBREL, [MQTT-4.3.3]) needs the whole packet recorded.
   */
  update(clientId: string, packet: Packet): 'set' | 'replaced' {
    const queue = this.outgoing.get(clientId) ?? [];
    for (let i = 0; i < queue.length; i++) {
      const entry = queue[i] as Packet;
      if (entry.brokerId === packet.brokerId) {
        if (entry.brokerCounter === packet.brokerCounter) {
          entry.messageId = packet.messageId;
          return 'set';
        }
        // Message ids wrap at 65535: the same id with another counter is another message; keep looking.
      } else if (entry.messageId === packet.messageId) {
        queue[i] = packet;
        return 'replaced';
      }
    }
    throw new Error(NO_SUCH_PACKET);
  }

  clear(clientId: string, messageId: unknown): Packet | undefined {
    const queue = this.outgoing.get(clientId);
    if (!queue) return undefined;
    for (let i = 0; i < queue.length; i++) {
      const entry = queue[i] as Packet;
      if (entry.messageId === messageId) {
        queue.splice(i, 1);
        if (queue.length === 0) this.outgoing.delete(clientId);
        return entry;
      }
    }
    return undefined;
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
