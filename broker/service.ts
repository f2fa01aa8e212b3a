import { Aedes } from 'aedes';
import type { FastifyInstance } from 'fastify';
import type { Logger } from '../lib/log.ts';
import { RegistryEditor } from '../lib/registry/editor.ts';
import { LiveRegistry } from '../lib/registry/live-registry.ts';
import type { ScryptCost } from '../lib/registry/secrets.ts';
import { createAccountCheck } from './account-check.ts';
import { buildApp } from './app.ts';
import { MessageBus } from './bus.ts';
import type { BrokerConfig } from './config.ts';
import { installDelivery } from './conformance/delivery.ts';
import { installStringCheck } from './conformance/strings.ts';
import { installTcpKeepalive } from './conformance/tcp-keepalive.ts';
import { trackDeviceStatus } from './device-status.ts';
import { accountName, installHooks, type Sessions } from './hooks.ts';
import { JournalPersistence } from './journal/persistence.ts';
import { startListeners } from './listeners.ts';
import { type BrokerMetrics, createBrokerMetrics } from './metrics.ts';
import { openStorage } from './persistence.ts';
import { QueueLimit } from './queue-limit.ts';
import { RefusalLog } from './refusal-log.ts';
import { SessionLimit } from './session-limit.ts';

/** Messages in delivery at once: aedes's default. */
const BUS_CONCURRENCY = 100;

export type BrokerService = {
  /** The MQTT/TCP port actually bound (config port 0 picks a free one). */
  port: number;
  httpPort: number | undefined;
  tlsPort: number | undefined;
  wsPort: number | undefined;
  metrics: BrokerMetrics;
  close(): Promise<void>;
};

export type BrokerOptions = {
  /** scrypt cost for secrets issued by the admin API (tests and benchmarks use a cheap one). */
  scrypt?: ScryptCost;
};

/** Closes the live sessions of accounts whose secret, status or kind changed: revocation is immediate. */
function closeChanged(changed: string[], sessions: Sessions, metrics: BrokerMetrics, log: Logger): void {
  for (const name of changed) {
    const client = sessions.current.get(name);
    if (!client) continue;
    const identity = sessions.identities.get(client);
    if (identity && accountName(identity) === name) {
      log.info({ clientId: client.id }, 'account changed: closing its session');
      metrics.disconnects.inc({ reason: 'account_changed' });
      client.close();
    }
  }
}

export async function startBroker(
  config: BrokerConfig,
  log: Logger,
  options: BrokerOptions = {},
): Promise<BrokerService> {
  const metrics = createBrokerMetrics();
  const registry = new LiveRegistry(config.registryPath, log);
  await registry.load();
  const storage = await openStorage(config, log);
  // Cluster mode shares Redis's bus; otherwise ours (bus.ts says how it differs from aedes's default).
  const bus = storage.mq ? undefined : new MessageBus({ concurrency: BUS_CONCURRENCY });
  const aedes = await Aedes.createBroker({
    connectTimeout: config.connectTimeoutMs,
    heartbeatInterval: 60_000,
    // Our ids are up to 64 characters plus a ':suffix'; the server MAY allow more than 23 [MQTT-3.1.3-5].
    maxClientsIdLength: 128,
    persistence: storage.persistence,
    mq: storage.mq ?? bus,
  });
  if (bus) metrics.readers.busBacklog = () => bus.backlog;
  const { persistence } = storage;
  if (persistence instanceof JournalPersistence)
    metrics.readers.queuedMessages = () => persistence.queuedMessages;
  const queueLimit =
    persistence instanceof JournalPersistence
      ? new QueueLimit({
          count: () => persistence.queuedMessages,
          max: config.limits.maxQueuedMessages,
          queued: (clientId) => persistence.queuedFor(clientId),
          maxPerQueue: config.limits.maxQueuedServiceMessages,
          onFull: () =>
            log.warn(
              { queued: persistence.queuedMessages, max: config.limits.maxQueuedMessages },
              'persistent queues full: devices wait for their PUBACKs until a subscriber catches up',
            ),
        })
      : undefined;
  const accounts = createAccountCheck(config, registry, metrics);
  const refusals = new RefusalLog(log);
  const sessionLimit = new SessionLimit();
  // Persistent sessions survive a restart in the journal; level and redis are not enumerated (README Limits).
  if (persistence instanceof JournalPersistence) sessionLimit.seed(persistence.sessionClientIds());
  const sessions = installHooks(aedes, config, metrics, log, {
    accounts,
    refusals,
    sessionLimit,
    queueLimit,
  });
  // MQTT 3.1.1 conformance (conformance/): one copy at the subscriptions' QoS, strings, dead peers.
  installDelivery(aedes, sessions, registry);
  installStringCheck(aedes, metrics, log);
  installTcpKeepalive(aedes, config.limits.tcpKeepaliveSeconds * 1000);
  const status = trackDeviceStatus(aedes, sessions, log);

  aedes.on('client', () => metrics.connections.inc());
  aedes.on('clientDisconnect', () => metrics.connections.dec());
  aedes.on('keepaliveTimeout', () => metrics.disconnects.inc({ reason: 'keepalive_timeout' }));
  aedes.on('clientError', (client, err) =>
    log.debug({ clientId: client.id, err: err.message }, 'client error'),
  );
  aedes.on('connectionError', (_client, err) => log.debug({ err: err.message }, 'connection error'));

  const reload = async () => closeChanged(await registry.load(), sessions, metrics, log);
  if (config.watchRegistry) registry.watch((changed) => closeChanged(changed, sessions, metrics, log));

  const listeners = await startListeners(aedes, config, metrics, log, refusals);

  let httpPort: number | undefined;
  let http: FastifyInstance | undefined;
  if (config.httpPort >= 0) {
    const admin = config.adminToken
      ? {
          token: config.adminToken,
          editor: new RegistryEditor(config.registryPath, reload),
          scrypt: options.scrypt,
        }
      : undefined;
    http = await buildApp({ connectedClients: () => aedes.connectedClients, metrics, admin });
    await http.listen({ host: config.httpHost, port: config.httpPort });
    const httpAddress = http.server.address();
    httpPort = typeof httpAddress === 'object' && httpAddress ? httpAddress.port : undefined;
  }
  const { port, tlsPort, wsPort } = listeners;
  log.info(
    {
      host: config.host,
      port,
      tlsPort,
      wsPort,
      httpPort,
      admin: Boolean(config.adminToken),
      storage: storage.describe,
      accounts: registry.size,
    },
    'broker listening',
  );

  let closing: Promise<void> | undefined;
  return {
    port,
    httpPort,
    tlsPort,
    wsPort,
    metrics,
    close() {
      // Idempotent: tests and the stack may both stop a broker.
      closing ??= (async () => {
        registry.close();
        await http?.close();
        const stopped = listeners.close();
        queueLimit?.close();
        await new Promise<void>((resolve) => aedes.close(() => resolve()));
        await stopped;
        await status.settled();
        await accounts.close();
        refusals.flush();
        await storage.close();
      })();
      return closing;
    },
  };
}
