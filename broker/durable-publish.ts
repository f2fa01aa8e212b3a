import type { Aedes, Client, PublishPacket } from 'aedes';
import {
  type AedesPublishPacket,
  AedesPacket as Packet,
  publishInternals,
  replacePublish,
} from './aedes-internals.ts';
import { MessageBus } from './bus.ts';

type Done = (err?: Error | null) => void;

/** A stored publish on its way to the connected subscribers. */
type InFlight = { finished: boolean; err: Error | null | undefined; onFinish: Done | undefined };

export type DurablePublish = {
  /**
   * Stores an accepted QoS 1 publish where a restart finds it (retained store, queues of persistent
   * sessions), starts its delivery to connected subscribers, then calls `done`, which lets aedes write
   * the PUBACK. Fails (no PUBACK: the client resends) when the store fails. `skip`: queues it is not
   * stored for (a full queue of an absent session).
   */
  store(packet: PublishPacket, client: Client, done: Done, skip?: (clientId: string) => boolean): void;
  /** Acknowledged and dropped: aedes's later publish of this packet does nothing. */
  drop(packet: PublishPacket): void;
};

/**
 * aedes 1.2 writes the QoS 1 PUBACK before `broker.publish` stores the message for offline persistent
 * sessions (lib/handlers/publish.js, enqueuePublish): a SIGKILL in between loses a message the device
 * was told is safe (persistence.integration.test.ts, ingest/broker-restart.integration.test.ts).
 * `store` does aedes's durable steps (storeRetained, enqueueOffline in aedes.js) before the PUBACK, and
 * the `broker.publish` aedes calls after the PUBACK only waits for the delivery that `store` started
 * (emitPacket), then runs the `published` hook and event (callPublished). The PUBACK does not wait for
 * delivery to subscribers, as in plain aedes; aedes's flow control still does: the publisher's next
 * packets are read once its current ones are delivered (lib/client.js, nextBatch).
 */
export function installDurablePublish(aedes: Aedes): DurablePublish {
  const broker = publishInternals(aedes);
  // mqemitter (mqemitter-redis in cluster mode) runs its queue (past `concurrency` messages in delivery)
  // by recursion, and a message no one subscribes to completes synchronously: a long run of them
  // (readings/... while nothing listens) overflowed the stack under load. A catch-all listener that
  // completes on the next turn makes every message complete asynchronously, so the queue unwinds
  // between messages. Our own bus drains in a loop and needs none (bus.ts).
  if (!(broker.mq instanceof MessageBus)) broker.mq.on('#', (_packet, done) => setImmediate(done));
  // The raw packet aedes hands to authorizePublish is the object it passes to publish next. null: dropped.
  const inFlight = new WeakMap<PublishPacket, InFlight | null>();

  replacePublish(aedes, (basePublish) => (packet, client, done) => {
    // aedes.publish(packet, done) is the two-argument form (aedes.js).
    if (typeof client === 'function') return basePublish(packet, null, client);
    const flight = inFlight.get(packet);
    if (flight === undefined) return basePublish(packet, client, done);
    inFlight.delete(packet);
    if (flight === null) return done?.(null);
    const finish: Done = (err) => {
      if (err) return done?.(err);
      broker.published(packet, client, done ?? (() => {}));
      broker.emit('publish', packet, client);
    };
    if (flight.finished) finish(flight.err);
    else flight.onFinish = finish;
  });

  return {
    store(packet, client, done, skip) {
      const stored: AedesPublishPacket = new Packet(packet, aedes);
      const { persistence } = broker;
      // aedes drops `#`/`+` subscriptions for $SYS topics here; the ACL never lets a client publish `$`.
      const enqueue = () =>
        persistence
          .subscriptionsByTopic(stored.topic)
          .then((subs) =>
            persistence.outgoingEnqueueCombi(skip ? subs.filter((s) => !skip(s.clientId)) : subs, stored),
          );
      (stored.retain ? persistence.storeRetained(stored).then(enqueue) : enqueue()).then(() => {
        const flight: InFlight = { finished: false, err: undefined, onFinish: undefined };
        inFlight.set(packet, flight);
        // Delivered even if the PUBACK cannot be written (the connection dropped): it is stored already.
        stored.clientId = client.id;
        broker.mq.emit(stored, (err) => {
          flight.finished = true;
          flight.err = err;
          flight.onFinish?.(err);
        });
        done(null);
      }, done);
    },
    drop(packet) {
      inFlight.set(packet, null);
    },
  };
}
