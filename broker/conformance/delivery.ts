import type { Aedes } from 'aedes';
import type { Account, LiveRegistry } from '../../lib/registry/live-registry.ts';
import { canRead, type Identity, identityOf } from '../acl.ts';
import {
  type AedesPublishPacket,
  type Deliver,
  publishInternals,
  replaceDeliveries,
  subscriptionsOf,
} from '../aedes-internals.ts';
import type { Sessions } from '../hooks.ts';
import { topicMatches } from '../topic-filter.ts';

/** The highest QoS among the subscriptions (keyed by filter) that match `topic`; undefined if none does. */
export function grantedQos(
  subscriptions: Record<string, { qos: number }>,
  topic: string,
): number | undefined {
  let granted: number | undefined;
  for (const filter in subscriptions) {
    const qos = subscriptions[filter]?.qos ?? 0;
    if ((granted === undefined || qos > granted) && topicMatches(filter, topic)) granted = qos;
  }
  return granted;
}

/**
 * grantedQos on the delivery path. A client with one subscription (the ingest, every device) is sent
 * only what that subscription matched (its listener, or the retained messages of its SUBSCRIBE): its
 * QoS, without matching the topic again on every message.
 */
function deliveryQos(subscriptions: Record<string, { qos: number }>, topic: string): number | undefined {
  let only: { qos: number } | undefined;
  for (const filter in subscriptions) {
    if (only) return grantedQos(subscriptions, topic);
    only = subscriptions[filter];
  }
  return only?.qos;
}

/** The account a client id belongs to: ids are the account name or `<name>:<suffix>` (hooks.ts). */
const accountOf = (clientId: string) => {
  const colon = clientId.indexOf(':');
  return colon < 0 ? clientId : clientId.slice(0, colon);
};

/**
 * One copy of a message per client, at the highest QoS of the client's subscriptions that match it
 * ([MQTT-3.3.5-1]: "the Server MUST deliver the message to the Client respecting the maximum QoS of
 * all the matching subscriptions"; further copies are a MAY, and we send none), never above the QoS
 * it was published with [MQTT-3.8.4-6]; and an integration is never sent what its denies cover.
 *
 * Why this is ours to do: the broker turns aedes's dedupe off (aedes-internals.ts, forwardEverything),
 * so a message matching two subscriptions of one client went out twice; and aedes downgrades a
 * delivery by looking the subscription up by topic name (lib/client.js, deliverQoS), which never finds
 * a wildcard filter, so `readings/#` at QoS 1 got QoS 2 publishes at QoS 2. Live deliveries, the
 * retained messages of a SUBSCRIBE and the queues of persistent sessions are each handled below.
 */
export function installDelivery(aedes: Aedes, sessions: Sessions, registry: LiveRegistry): void {
  const live = new WeakSet<AedesPublishPacket>();
  const preConnect = aedes.preConnect;
  aedes.preConnect = (client, packet, done) => {
    replaceDeliveries(client, (base) => {
      // One message reaches a client once per matching subscription, one call after another in the
      // bus's synchronous loop over its listeners (bus.ts, mqemitter alike): the same broker id and
      // counter twice in a row is the same message again.
      let lastId: string | undefined;
      let lastCounter = -1;
      const deliver: Deliver = (message, finished) => {
        if (message.brokerId) {
          if (message.brokerId === lastId && message.brokerCounter === lastCounter)
            return setImmediate(finished);
          lastId = message.brokerId;
          lastCounter = message.brokerCounter;
        }
        const identity = sessions.identities.get(client);
        if (identity && !canRead(identity, message.topic)) return setImmediate(finished);
        // Each call gets its own aedes-packet (aedes-internals.ts, 9): setting its QoS touches no other copy.
        if (message.qos > 0) {
          const granted = deliveryQos(subscriptionsOf(client), message.topic);
          if (granted !== undefined && granted < message.qos) message.qos = granted as 0 | 1;
        }
        live.add(message);
        return message.qos === 0 ? base.deliver0(message, finished) : base.deliverQoS(message, finished);
      };
      return { deliver0: deliver, deliverQoS: deliver };
    });
    preConnect(client, packet, done);
  };

  // Queued messages sent at CONNECT come here only: the same rules, on the packet aedes writes.
  const forward = aedes.authorizeForward;
  aedes.authorizeForward = (client, packet) => {
    const message = packet as AedesPublishPacket;
    if (!live.has(message)) {
      const identity = sessions.identities.get(client);
      if (identity && !canRead(identity, message.topic)) return null; // aedes clears it from the queue
      const granted = grantedQos(subscriptionsOf(client), message.topic);
      // Never below 1: a queued message leaves its queue only when acknowledged.
      if (granted !== undefined && message.qos > 0)
        message.qos = Math.max(1, Math.min(message.qos, granted)) as 1;
    }
    return forward(client, packet);
  };

  // A persistent session gets one queued copy per message too: the persistence answers one entry per
  // matching subscription (aedes-persistence's QlobberSub), and aedes queued each of them.
  const identities = new WeakMap<Account, Identity>();
  const mayRead = (clientId: string, topic: string) => {
    const name = accountOf(clientId);
    const account = registry.lookup(name);
    if (account?.type !== 'integration') return true;
    let identity = identities.get(account);
    if (!identity) {
      identity = identityOf(account, name);
      identities.set(account, identity);
    }
    return canRead(identity, topic);
  };
  const { persistence } = publishInternals(aedes);
  const byTopic = persistence.subscriptionsByTopic.bind(persistence);
  persistence.subscriptionsByTopic = (topic) =>
    byTopic(topic).then((subs) => {
      if (subs.length === 1) return mayRead(subs[0]?.clientId ?? '', topic) ? subs : [];
      const best = new Map<string, (typeof subs)[number]>();
      for (const sub of subs) {
        const seen = best.get(sub.clientId);
        if ((!seen || sub.qos > seen.qos) && mayRead(sub.clientId, topic)) best.set(sub.clientId, sub);
      }
      return [...best.values()];
    });
}
