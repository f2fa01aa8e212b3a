import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { type BrokerConfigInput, BrokerConfigSchema } from '../broker/config.ts';
import { type BrokerService, startBroker } from '../broker/service.ts';
import { type IngestConfigInput, IngestConfigSchema } from '../ingest/config.ts';
import { type IngestService, startIngest } from '../ingest/service.ts';
import { silentLogger } from '../lib/log.ts';
import { waitFor } from '../lib/process/ports.ts';
import type { NewDevice } from '../lib/registry/provision.ts';
import { influxQuery, type LocalInfluxd, startLocalInfluxd } from './influxd.ts';
import { type Credentials, makeRegistry } from './registry.ts';

// Re-exported: tests that start a pipeline take their registry helpers from the same place.
export { type Credentials, makeRegistry, TEST_SCRYPT } from './registry.ts';

export type Pipeline = {
  influx: LocalInfluxd;
  broker: BrokerService;
  ingest: IngestService;
  database: string;
  mqttUrl: string;
  secrets: Credentials;
  registryPath: string;
  /** A device's own connection (client id = its id), closed with the pipeline. */
  device(id: string): Promise<MqttClient>;
  /** An account's connection (services: `dashboard`, `flows`, `ingest`), closed with the pipeline. */
  connect(username: string, clientId?: string): Promise<MqttClient>;
  close(): Promise<void>;
};

/** influxd + broker + ingest, all real, on free loopback ports. */
export async function startPipeline(
  devices: readonly NewDevice[],
  overrides: Partial<Pick<IngestConfigInput, 'batch' | 'limits' | 'spool' | 'recordsPath'>> & {
    brokerMaxPayloadBytes?: number;
    /** Per-device flood limits; tests that are about the ingest, not flood control, raise them. */
    brokerLimits?: BrokerConfigInput['limits'];
  } = {},
): Promise<Pipeline> {
  const influx = await startLocalInfluxd();
  const database = 'environment';
  await influxQuery(influx.url, `CREATE DATABASE "${database}"`);
  const registry = await makeRegistry(devices);
  const log = silentLogger();
  const broker = await startBroker(
    BrokerConfigSchema.parse({
      port: 0,
      registryPath: registry.path,
      httpPort: -1,
      connectTimeoutMs: 5000,
      maxPayloadBytes: overrides.brokerMaxPayloadBytes,
      limits: overrides.brokerLimits,
    }),
    log,
  );
  const mqttUrl = `mqtt://127.0.0.1:${broker.port}`;
  const ingest = await startIngest(
    IngestConfigSchema.parse({
      mqtt: { url: mqttUrl, password: registry.secrets.get('ingest'), clientId: 'ingest' },
      influx: { version: 1, url: influx.url, database },
      http: { port: 0 },
      batch: { flushIntervalMs: 50, ...overrides.batch },
      limits: { ...overrides.limits },
      spool: { dir: join(registry.dir, 'spool'), ...overrides.spool },
      registryPath: registry.path,
      recordsPath: overrides.recordsPath,
    }),
    log,
  );
  // A message published before the ingest's SUBSCRIBE is processed has no subscriber to be kept for,
  // by the MQTT rules: a test that publishes at once would see its first readings go nowhere.
  await waitFor(() => ingest.isSubscribed(), 10_000, 'the ingest subscribed');
  const clients: MqttClient[] = [];
  const connect = async (username: string, clientId = username) => {
    const client = await mqtt.connectAsync(mqttUrl, {
      clientId,
      username,
      password: registry.secrets.get(username),
      reconnectPeriod: 0,
    });
    clients.push(client);
    return client;
  };
  return {
    influx,
    broker,
    ingest,
    database,
    mqttUrl,
    secrets: registry.secrets,
    registryPath: registry.path,
    device: (id) => connect(id),
    connect,
    async close() {
      await Promise.all(clients.map((c) => c.endAsync(true)));
      await ingest.close();
      await broker.close();
      await influx.stop();
      await registry.cleanup();
    },
  };
}
