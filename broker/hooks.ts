import type { Aedes, AuthenticateError, Client, Subscription } from 'aedes';
import { addressKey } from '../lib/address-key.ts';
import type { Logger } from '../lib/log.ts';
import { PublishRateLimiter } from '../lib/rate-limit.ts';
import type { AccountCheck } from './account-check.ts';
import { canPublish, canSubscribe, type Identity, identityOf } from './acl.ts';
import { assignClientId, forwardEverything, pendingWill } from './aedes-internals.ts';
import type { BrokerConfig } from './config.ts';
import { serverClientId } from './conformance/client-id.ts';
import { installDurablePublish } from './durable-publish.ts';
import type { BrokerMetrics } from './metrics.ts';
import type { QueueLimit } from './queue-limit.ts';
import type { RefusalLog } from './refusal-log.ts';
import type { SessionLimit } from './session-limit.ts';
import { isValidFilter } from './topic-filter.ts';

// MQTT 3.1.1 CONNACK return codes (section 3.2.2.3).
const IDENTIFIER_REJECTED = 2;
const SERVER_UNAVAILABLE = 3;
const BAD_USERNAME_OR_PASSWORD = 4;
const NOT_AUTHORIZED = 5;

/**
 * A CONNECT refused by the failure limits or a full scrypt queue is answered (3, server unavailable:
 * try again later) after this delay, and so is any refusal past the first PROMPT_REFUSALS from an
 * address in a minute: a guesser that waits for each CONNACK then makes one attempt a second per
 * connection instead of thousands (guesses at unknown accounts cost no scrypt but were answered at once,
 * 6,000 a second in the benchmark), and its connections count against the per-address cap meanwhile.
 */
const SLOW_ANSWER_MS = 1000;
const PROMPT_REFUSALS = 10;
const THROTTLED = new Set(['throttled_address', 'throttled_account', 'throttled_suspect', 'verifier_busy']);

function refusal(returnCode: number, message: string): AuthenticateError {
  // The codes above are AuthErrorCode's values; aedes declares it a const enum, which type stripping cannot import.
  return Object.assign(new Error(message), { returnCode }) as AuthenticateError;
}

/** Client ids are the account name, optionally followed by ':' and a suffix (ids never contain ':'). */
function clientIdFits(clientId: string, username: string): boolean {
  return clientId === username || clientId.startsWith(`${username}:`);
}

export function accountName(identity: Identity): string {
  return identity.type === 'device' ? identity.id : identity.username;
}

/** The TCP peer: the socket's, or for WebSocket the upgraded HTTP request's. */
function peerAddress(client: Client): string {
  const socket = client.req?.socket ?? (client.conn as { remoteAddress?: string });
  return socket.remoteAddress ?? 'unknown';
}

export type HookParts = {
  accounts: AccountCheck;
  refusals: RefusalLog;
  sessionLimit: SessionLimit;
  queueLimit?: QueueLimit;
};

export type Sessions = {
  identities: WeakMap<Client, Identity>;
  /** The newest authenticated session per account name: the one whose status and revocation count. */
  current: Map<string, Client>;
};

/**
 * Installs authentication and authorization on an aedes instance. Everything not allowed by the ACL
 * is refused; refusals are counted by reason on /metrics.
 */
export function installHooks(
  aedes: Aedes,
  config: BrokerConfig,
  metrics: BrokerMetrics,
  log: Logger,
  parts: HookParts,
): Sessions {
  const { accounts, refusals, sessionLimit, queueLimit } = parts;
  const sessions: Sessions = { identities: new WeakMap(), current: new Map() };
  const connects = new WeakMap<Client, { clientId: string; clean: boolean; keepalive: number }>();
  const limiters = new WeakMap<Client, PublishRateLimiter>();
  const { limits } = config;

  // aedes's keepaliveLimit would answer CONNACK 6, a reserved code in 3.1.1; the CONNECT is kept here and
  // judged in authenticate instead.
  aedes.preConnect = (client, packet, done) => {
    // On-disk persistence finishes publishes out of order: aedes's dedupe would drop some (aedes-internals.ts).
    forwardEverything(client);
    connects.set(client, {
      clientId: packet.clientId,
      clean: packet.clean !== false,
      keepalive: packet.keepalive ?? 0,
    });
    done(null, true);
  };

  aedes.authenticate = (client, username, password, done) => {
    const address = peerAddress(client);
    const refuse = (code: number, reason: string) => {
      metrics.connectsRefused.inc({ reason });
      const recent = refusals.refused(addressKey(address), { reason, clientId: client.id, username });
      const answer = () => done(refusal(code, reason), false);
      if (code === SERVER_UNAVAILABLE || recent > PROMPT_REFUSALS) setTimeout(answer, SLOW_ANSWER_MS).unref();
      else answer();
    };
    const connect = connects.get(client);
    // [MQTT-3.1.3-8]: an empty client id needs clean session; otherwise CONNACK 2 and close.
    if (connect && connect.clientId === '' && !connect.clean)
      return refuse(IDENTIFIER_REJECTED, 'empty_client_id');
    // Like Mosquitto's max_keepalive for 3.1.1 clients: no way to tell the client, so "identifier rejected".
    // A keepalive of 0 is allowed by default: TCP keepalive finds a half-open connection (conformance/tcp-keepalive.ts).
    if (
      connect &&
      ((connect.keepalive === 0 && !limits.allowKeepaliveZero) ||
        connect.keepalive > limits.keepaliveMaxSeconds)
    )
      return refuse(IDENTIFIER_REJECTED, 'keepalive_out_of_range');
    if (!username || !password) return refuse(NOT_AUTHORIZED, 'anonymous');
    accounts.check(address, username, password.toString('utf8')).then(
      (verdict) => {
        if (!verdict.ok)
          return refuse(
            THROTTLED.has(verdict.reason) ? SERVER_UNAVAILABLE : BAD_USERNAME_OR_PASSWORD,
            verdict.reason,
          );
        const { account } = verdict;
        // [MQTT-3.1.3-6]: an empty client id (clean session, checked above) gets one from the server.
        if (connect?.clientId === '') assignClientId(client, serverClientId(username));
        if (!clientIdFits(client.id, username)) return refuse(IDENTIFIER_REJECTED, 'client_id_mismatch');
        const identity = identityOf(account, username);
        // A last will is a publish made later on the client's behalf: check it now, while we know who asks.
        const will = pendingWill(client);
        if (will && !canPublish(identity, will.topic)) return refuse(NOT_AUTHORIZED, 'will_topic_denied');
        // The connection may have ended while the secret was checked; aedes drops the answer then.
        if (client.closed) return done(null, false);
        const max = identity.type === 'device' ? config.sessions.perDevice : config.sessions.perService;
        if (!sessionLimit.admit(username, client.id, connect?.clean ?? true, max, client))
          return refuse(NOT_AUTHORIZED, 'too_many_sessions');
        client.conn.once('close', () => sessionLimit.release(username, client.id, client));
        sessions.identities.set(client, identity);
        sessions.current.set(username, client);
        // Integrations are third parties: held to a device's rate too.
        if (identity.type !== 'service')
          limiters.set(
            client,
            new PublishRateLimiter(limits.deviceMessagesPerSecond, limits.deviceBurstMessages, Date.now()),
          );
        done(null, true);
      },
      (err: Error) => {
        log.error({ err }, 'secret verification failed');
        refuse(NOT_AUTHORIZED, 'verification_error');
      },
    );
  };

  // Accepted QoS 1 publishes are stored before the PUBACK (durable-publish.ts); dropped ones are
  // acknowledged and never routed.
  const durable = installDurablePublish(aedes);
  // Services are never held (queue-limit.ts): what they publish (readings/... for the flows) skips the
  // full queue of an absent session instead, counted, as Mosquitto's max_queued_messages drops. A
  // connected client always gets its copy queued: aedes's live delivery updates it (outgoingUpdate).
  const dropping = new Set<string>();
  const skipFull = (clientId: string) => {
    const clients = (aedes as Aedes & { clients: Record<string, Client> }).clients;
    if (clients[clientId] || !queueLimit?.queueFull(clientId)) {
      dropping.delete(clientId);
      return false;
    }
    metrics.queueDropped.inc();
    if (!dropping.has(clientId)) log.warn({ clientId }, 'queue of an absent session full: dropping for it');
    dropping.add(clientId);
    return true;
  };

  aedes.authorizePublish = (client, packet, done) => {
    // client is null only for a stored last will published after a restart; wills were checked at CONNECT.
    if (!client) return done(null);
    const identity = sessions.identities.get(client);
    let denied: string | undefined;
    if (!identity || !canPublish(identity, packet.topic)) denied = 'acl';
    else if (packet.payload.length > config.maxPayloadBytes) denied = 'payload_too_large';
    else {
      const verdict = limiters.get(client)?.take(Date.now()) ?? 'accept';
      if (verdict !== 'accept') denied = 'rate_limited';
      if (verdict === 'disconnect') {
        metrics.disconnects.inc({ reason: 'flood' });
        log.warn({ clientId: client.id }, 'publish flood: disconnecting');
        client.close();
      }
    }
    if (denied) {
      // [MQTT-3.3.5-2]: acknowledge and drop rather than disconnect, so a misconfigured device keeps its session.
      metrics.publishDenied.inc({ reason: denied });
      log.debug({ clientId: client.id, topic: packet.topic, reason: denied }, 'publish dropped');
      durable.drop(packet);
      return done(null);
    }
    metrics.messagesIn.inc();
    if (packet.qos !== 1) return done(null);
    if (identity?.type !== 'device' || !queueLimit)
      return durable.store(packet, client, done, queueLimit && skipFull);
    const store = () =>
      durable.store(packet, client, (err) => {
        queueLimit.stored();
        done(err);
      });
    const held = queueLimit.admit();
    if (!held) return store();
    metrics.publishHeld.inc();
    held.then(store);
  };

  aedes.authorizeSubscribe = (client, sub: Subscription, done) => {
    const identity = sessions.identities.get(client);
    if (!identity || !isValidFilter(sub.topic) || !canSubscribe(identity, sub.topic)) {
      metrics.subscribeDenied.inc();
      log.debug({ clientId: client.id, topic: sub.topic }, 'subscribe refused');
      return done(null, null); // SUBACK 0x80 for this filter
    }
    done(null, sub);
  };

  aedes.authorizeForward = (_client, packet) => {
    metrics.messagesOut.inc();
    return packet;
  };

  return sessions;
}
