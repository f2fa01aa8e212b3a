import { randomBytes } from 'node:crypto';
import type { Logger } from '../lib/log.ts';
import { LiveRegistry } from '../lib/registry/live-registry.ts';
import type { Device } from '../lib/registry/schema.ts';
import { loadRegistry } from '../lib/registry/store.ts';
import { closePrinters } from '../lib/reports/render/pdf.ts';
import { createAlertPointReader, createHistoryReader } from './adapters/influx-query.ts';
import { connectAckPublisher, connectFeed } from './adapters/mqtt-feed.ts';
import { consoleReports } from './adapters/reports.ts';
import { buildApp } from './app.ts';
import { openConsoleRecords } from './auth/legacy-users.ts';
import { SessionStore } from './auth/sessions.ts';
import { UserDirectory } from './auth/users.ts';
import type { ConsoleConfig } from './config.ts';
import { LiveState, type RegistryStation } from './core/live-state.ts';
import { EventHub } from './http/events.ts';
import { createConsoleMetrics } from './metrics.ts';
import { createPointSource } from './qa/influx-points.ts';

export type ConsoleService = {
  port: number;
  url: string;
  /** Resolves once the feed has its subscription (tests). */
  connected(): boolean;
  close(): Promise<void>;
};

/** The operator console: MQTT feed -> live state -> SSE, InfluxDB history, acks over MQTT. */
export async function startConsole(config: ConsoleConfig, log: Logger): Promise<ConsoleService> {
  const metrics = createConsoleMetrics();
  const { records, imported } = await openConsoleRecords(config.recordsPath, config.usersPath);
  if (records.applied.length)
    log.info({ path: records.path, applied: records.applied }, 'records database migrated');
  if (imported)
    log.info(
      { ...imported, usersRole: 'admin', tokensRole: 'operator' },
      'console users imported into the records database',
    );
  const users = new UserDirectory(records);
  if (users.count() === 0)
    log.warn(
      { recordsPath: config.recordsPath },
      'no console users yet: add one with npm run users -- add-user',
    );

  // The station list is the registry's, re-read when the file changes: a device provisioned,
  // revoked or removed shows (or goes) without a restart. Revoked devices are not stations.
  const registry = config.registryPath ? new LiveRegistry(config.registryPath, log) : undefined;
  await registry?.load().catch(closing(records));
  const stationsOf = (devices: Device[]): RegistryStation[] =>
    devices.map((d) => ({
      id: d.id,
      kind: d.kind,
      name: d.name,
      district: d.district,
      operator: d.operator,
      revoked: d.revoked,
    }));
  const state = new LiveState(registry && stationsOf(registry.devices()), config.keepCleared);
  const hub = new EventHub();

  const suffix = randomBytes(4).toString('hex');
  const feed = connectFeed(
    { ...config.mqtt, clientId: `${config.mqtt.username}:console-${suffix}`, log },
    (topic, payload) => {
      const now = Date.now();
      const root = topic.slice(0, topic.indexOf('/'));
      const change =
        root === 'ingest' ? state.applyRejected(topic, payload, now) : state.apply(topic, payload, now);
      metrics.messages.inc({ root, applied: change ? 'yes' : 'no' });
      if (change) hub.publish(change);
    },
  );
  const acker = config.mqtt.ackPassword
    ? connectAckPublisher({
        url: config.mqtt.url,
        username: config.mqtt.ackUsername,
        password: config.mqtt.ackPassword,
        clientId: `${config.mqtt.ackUsername}:console-${suffix}`,
        log,
      })
    : undefined;
  if (!acker) log.warn('CONSOLE_ACK_MQTT_PASSWORD is not set: acknowledging alerts is disabled');

  const app = await buildApp({
    state,
    hub,
    records,
    users,
    // Read again at each check: devices (and their operators) may have been added since the start.
    knownOperators: registryOperators(config.registryPath),
    sessions: new SessionStore(config.http.sessionTtlMs),
    metrics,
    history: createHistoryReader(config.influx),
    alertPoints: createAlertPointReader(config.influx),
    points: createPointSource(config.influx),
    ack: acker ? (topic, message) => acker.publish(topic, message) : undefined,
    reportsDir: config.reports.dir,
    reports: consoleReports(config, records, registry, log),
    isConnected: () => feed.connected,
    publicRead: config.http.publicRead,
    secureCookie: config.http.secureCookie,
    sessionTtlMs: config.http.sessionTtlMs,
    maxSseClients: config.http.maxSseClients,
    maxSsePerPrincipal: config.http.maxSsePerPrincipal,
    trustProxy: config.http.trustProxy,
    log,
  });

  const closeMqtt = async () => {
    await Promise.all([feed.endAsync(true), acker?.client.endAsync(true)]);
    records.close();
  };
  try {
    await app.listen({ host: config.http.host, port: config.http.port });
  } catch (err) {
    await closeMqtt();
    throw err;
  }
  registry?.watch(() => {
    for (const change of state.setRegistry(stationsOf(registry.devices()), Date.now())) hub.publish(change);
  });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.http.port;
  const url = `http://${config.http.host.includes(':') ? `[${config.http.host}]` : config.http.host}:${port}`;
  log.info(
    { url, stations: state.stations(Date.now()).length, publicRead: config.http.publicRead },
    'console started',
  );

  return {
    port,
    url,
    connected: () => feed.connected,
    async close() {
      registry?.close();
      await app.close();
      await closeMqtt();
      await closePrinters();
    },
  };
}

/** The registry's operator names, read when asked; undefined without a registry. */
function registryOperators(path: string | undefined) {
  return async (): Promise<ReadonlySet<string> | undefined> => {
    if (!path) return undefined;
    const registry = await loadRegistry(path);
    return new Set(registry.devices.flatMap((d) => (d.operator ? [d.operator] : [])));
  };
}

function closing(records: { close(): void }) {
  return (err: unknown): never => {
    records.close();
    throw err;
  };
}
