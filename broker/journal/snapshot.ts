import { AedesPacket } from '../aedes-internals.ts';
import { entry, type Queues } from './queues.ts';
import { encodeRecord, Op } from './records.ts';
import { packetMeta, type Subscription } from './types.ts';

/**
 * What a snapshot writes besides the queues: the latest record of each retained message and will, and
 * a copy of each client's subscriptions. The base class holds the same state for reads; this copy is
 * kept only to write snapshots.
 */
export class SnapshotState {
  readonly #subscriptions = new Map<string, Map<string, Subscription>>();
  readonly #retained = new Map<string, Buffer>();
  readonly #wills = new Map<string, Buffer>();

  /** `record` undefined: the retained message was removed (an empty payload). */
  retain(topic: string, record: Buffer | undefined): void {
    if (record) this.#retained.set(topic, record);
    else this.#retained.delete(topic);
  }

  subscribe(clientId: string, subs: Subscription[]): void {
    const mine = entry(this.#subscriptions, clientId, () => new Map());
    for (const sub of subs) mine.set(sub.topic, sub);
  }

  unsubscribe(clientId: string, topics: string[]): void {
    const mine = this.#subscriptions.get(clientId);
    if (!mine) return;
    for (const topic of topics) mine.delete(topic);
    if (mine.size === 0) this.#subscriptions.delete(clientId);
  }

  /** Clients with at least one subscription. */
  clientIds(): Iterable<string> {
    return this.#subscriptions.keys();
  }

  /** False when the client had no subscriptions: nothing to record. */
  cleanSubscriptions(clientId: string): boolean {
    return this.#subscriptions.delete(clientId);
  }

  setWill(clientId: string, record: Buffer): void {
    this.#wills.set(clientId, record);
  }

  /** False when the client had no will: nothing to record. */
  deleteWill(clientId: string): boolean {
    return this.#wills.delete(clientId);
  }

  /** The live state as records; synchronous, so it matches exactly the records appended until now. */
  records(queues: Queues): Buffer[] {
    const records: Buffer[] = [...this.#retained.values()];
    for (const [c, subs] of this.#subscriptions)
      records.push(encodeRecord(Op.addSubscriptions, { c, s: [...subs.values()] }));
    for (const [c, queue] of queues.outgoing)
      for (const entry of queue.values())
        records.push(
          encodeRecord(
            Op.outgoingRestore,
            { c, k: entry instanceof AedesPacket ? 1 : 0, p: packetMeta(entry) },
            entry.payload,
          ),
        );
    for (const [c, store] of queues.incoming)
      for (const packet of store.values())
        records.push(encodeRecord(Op.incomingStore, { c, p: packetMeta(packet) }, packet.payload));
    records.push(...this.#wills.values());
    return records;
  }
}
