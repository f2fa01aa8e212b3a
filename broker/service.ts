import { createServer, type Server } from 'node:net';
import { Aedes, type AuthenticateError, type Client, type PublishPacket, type Subscription } from 'aedes';
import Fastify from 'fastify';
import type { Logger } from '../lib/log.ts';
import { canPublish, canSubscribe, type Identity } from './acl.ts';
import type { BrokerConfig } from './config.ts';
import { type BrokerMetrics, createBrokerMetrics } from './metrics.ts';
import { LiveRegistry } from './registry/live-registry.ts';
import { VerifiedSecretCache } from './registry/secrets.ts';
import { isValidFilter } from './topic-filter.ts';

export type BrokerService = {
  /** The MQTT/TCP port actually bound (config port 0 picks a free one). */
  port: number;
  httpPort: number | undefined;
  metrics: BrokerMetrics;
  close(): Promise<void>;
};

// MQTT 3.1.1 CONNACK return codes (section 3.2.2.3).
const IDENTIFIER_REJECTED = 2;
const BAD_USERNAME_OR_PASSWORD = 4;
const NOT_AUTHORIZED = 5;

function refusal(returnCode: number, message: string): AuthenticateError {
  // The codes above are AuthErrorCode's values; aedes declares it a const enum, which type stripping cannot import.
  return Object.assign(new Error(message), { returnCode }) as AuthenticateError;
}

/** Client ids are the account name, optionally followed by ':' and a suffix (ids never contain ':'). */
function clientIdFits(clientId: string, username: string): boolean {
  return clientId === username || clientId.startsWith(`${username}:`);
}

export async function startBroker(config: BrokerConfig, log: Logger): Promise<BrokerService> {
  const metrics = createBrokerMetrics();
  const registry = new LiveRegistry(config.registryPath, log);
  await registry.load();
  const secrets = new VerifiedSecretCache();
  const identities = new WeakMap<Client, Identity>();
  const liveClients = new Map<string, Client>();

  const aedes = await Aedes.createBroker({
    connectTimeout: config.connectTimeoutMs,
    heartbeatInterval: 60_000,
  });

  aedes.authenticate = (client, username, password, done) => {
    const refuse = (code: number, reason: string) => {
      metrics.connectsRefused.inc({ reason });
      log.info({ clientId: client.id, username, reason }, 'connect refused');
      done(refusal(code, reason), false);
    };
    if (!username || !password) return refuse(NOT_AUTHORIZED, 'anonymous');
    const account = registry.lookup(username);
    const record = account?.type === 'device' ? account.device : account?.service;
    if (!account || !record || record.revoked) return refuse(BAD_USERNAME_OR_PASSWORD, 'unknown_or_revoked');
    secrets.verify(password.toString('utf8'), record.secret_hash).then(
      (ok) => {
        if (!ok) return refuse(BAD_USERNAME_OR_PASSWORD, 'bad_secret');
        if (!clientIdFits(client.id, username)) return refuse(IDENTIFIER_REJECTED, 'client_id_mismatch');
        const identity: Identity =
          account.type === 'device'
            ? { type: 'device', id: account.device.id, kind: account.device.kind }
            : { type: 'service', username, role: account.service.role };
        // A last will is a publish made later on the client's behalf: check it now, while we know who asks.
        const will = (client as Client & { _will?: { topic: string } })._will;
        if (will && !canPublish(identity, will.topic)) return refuse(NOT_AUTHORIZED, 'will_topic_denied');
        identities.set(client, identity);
        done(null, true);
      },
      (err: Error) => {
        log.error({ err }, 'secret verification failed');
        refuse(NOT_AUTHORIZED, 'verification_error');
      },
    );
  };

  aedes.authorizePublish = (client, packet, done) => {
    // client is null only for a stored last will published after a restart; wills were checked at CONNECT.
    if (!client) return done(null);
    const identity = identities.get(client);
    let denied: string | undefined;
    if (!identity || !canPublish(identity, packet.topic)) denied = 'acl';
    else if (packet.payload.length > config.maxPayloadBytes) denied = 'payload_too_large';
    if (denied) {
      // [MQTT-3.3.5-2]: acknowledge and drop rather than disconnect, so a misconfigured device keeps its
      // session; the packet is rerouted to a '$' topic that no account may subscribe to.
      metrics.publishDenied.inc({ reason: denied });
      log.debug({ clientId: client.id, topic: packet.topic, reason: denied }, 'publish dropped');
      dropPacket(packet);
      return done(null);
    }
    metrics.messagesIn.inc();
    done(null);
  };

  aedes.authorizeSubscribe = (client, sub: Subscription, done) => {
    const identity = identities.get(client);
    if (!identity || !isValidFilter(sub.topic) || !canSubscribe(identity, sub.topic)) {
      metrics.subscribeDenied.inc();
      log.debug({ clientId: client.id, topic: sub.topic }, 'subscribe refused');
      return done(null, null); // SUBACK 0x80 for this filter
    }
    done(null, sub);
  };

  aedes.on('client', (client) => {
    metrics.connections.inc();
    const identity = identities.get(client);
    if (identity) liveClients.set(client.id, client);
  });
  aedes.on('clientDisconnect', (client) => {
    metrics.connections.dec();
    if (liveClients.get(client.id) === client) liveClients.delete(client.id);
  });
  aedes.on('clientError', (client, err) =>
    log.debug({ clientId: client.id, err: err.message }, 'client error'),
  );

  if (config.watchRegistry) {
    registry.watch((changed) => {
      // Revoked or rotated accounts lose their live sessions at once.
      const names = new Set(changed);
      for (const client of liveClients.values()) {
        const identity = identities.get(client);
        const name = identity?.type === 'device' ? identity.id : identity?.username;
        if (name && names.has(name)) {
          log.info({ clientId: client.id }, 'account changed: closing its session');
          client.close();
        }
      }
    });
  }

  const server: Server = createServer((socket) => aedes.handle(socket));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;

  let httpPort: number | undefined;
  const http = Fastify({ logger: false });
  if (config.httpPort >= 0) {
    http.get('/healthz', async () => ({ status: 'ok', connections: aedes.connectedClients }));
    http.get('/metrics', async (_req, reply) => {
      reply.type(metrics.registry.contentType);
      return metrics.registry.metrics();
    });
    await http.listen({ host: config.httpHost, port: config.httpPort });
    const httpAddress = http.server.address();
    httpPort = typeof httpAddress === 'object' && httpAddress ? httpAddress.port : undefined;
  }
  log.info({ host: config.host, port, httpPort, accounts: registry.size }, 'broker listening');

  return {
    port,
    httpPort,
    metrics,
    async close() {
      registry.close();
      await http.close();
      // Stop accepting, then close the clients: server.close() alone would wait for them forever.
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      await new Promise<void>((resolve) => aedes.close(() => resolve()));
      await closed;
    },
  };
}

function dropPacket(packet: PublishPacket): void {
  packet.topic = `$dropped/${packet.topic}`;
  packet.retain = false;
}
