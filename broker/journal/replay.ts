import { AedesPacket } from '../aedes-internals.ts';
import type { Queues } from './queues.ts';
import { decodeBody, type Meta, Op } from './records.ts';
import type { Client, Packet, Subscription } from './types.ts';

/** The persistence as replay drives it: the calls the live broker made, and the queues. */
export type ReplayTarget = {
  queues: Queues;
  storeRetained(packet: Packet): Promise<void>;
  addSubscriptions(client: Client, subs: Subscription[]): Promise<void>;
  removeSubscriptions(client: Client, topics: string[]): Promise<void>;
  cleanSubscriptions(client: Client): Promise<void>;
  delWill(client: Client): Promise<unknown>;
  /** Stores a will read from the journal, keeping the broker id it was stored with. */
  restoreWill(client: Client, will: Packet): Promise<void>;
};

/**
 * Applies journal records in order, as the live calls did (the caller keeps them from being written
 * again); returns how many failed at once, as they failed live.
 */
export function replayRecords(bodies: Buffer[], target: ReplayTarget): number {
  let failed = 0;
  const count = () => {
    failed++;
  };
  for (const body of bodies) {
    try {
      const done = applyRecord(body, target);
      if (done) done.catch(count);
    } catch {
      failed++;
    }
  }
  return failed;
}

function applyRecord(body: Buffer, target: ReplayTarget): Promise<unknown> | undefined {
  const { op, meta, payload } = decodeBody(body);
  const { queues } = target;
  const client = { id: meta.c as string };
  const packet = (): Packet => ({ ...(meta.p as Meta), ...(payload === undefined ? {} : { payload }) });
  switch (op) {
    case Op.storeRetained:
      return target.storeRetained({ ...meta, payload });
    case Op.addSubscriptions:
      return target.addSubscriptions(client, meta.s as Subscription[]);
    case Op.removeSubscriptions:
      return target.removeSubscriptions(client, meta.t as string[]);
    case Op.cleanSubscriptions:
      return target.cleanSubscriptions(client);
    case Op.outgoingEnqueue:
      return void queues.enqueue(meta.c as string[], new AedesPacket(packet()));
    case Op.outgoingUpdate:
      return void queues.update(
        client.id,
        meta.p
          ? packet()
          : { brokerId: meta.b as string, brokerCounter: meta.n as number, messageId: meta.m as number },
      );
    case Op.outgoingRestore: {
      const p = packet();
      const entry = meta.k === 1 ? new AedesPacket(p) : p;
      if ('messageId' in p) entry.messageId = p.messageId;
      return void queues.queue(client.id).push(entry);
    }
    case Op.outgoingClear:
      return void queues.clear(client.id, meta.m);
    case Op.incomingStore:
      return void queues.storeIncoming(client.id, packet());
    case Op.incomingDel:
      return void queues.delIncoming(client.id, meta.m);
    case Op.cleanIncoming:
      return void queues.incoming.delete(client.id);
    case Op.putWill:
      return target.restoreWill(client, packet());
    case Op.delWill:
      return target.delWill(client);
    default:
      throw new Error(`unknown journal record ${op}`);
  }
}
