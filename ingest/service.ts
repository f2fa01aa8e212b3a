import type { FastifyInstance } from 'fastify';
import type { Logger } from '../lib/log.ts';
import { enforcePrivate } from '../lib/private-files.ts';
import { watchWindowSource } from '../lib/qa/window-source.ts';
import { loadStandards } from '../lib/standards/index.ts';
import { clockRule } from '../lib/validity/rules.ts';
import type { IngestConfig } from './config.ts';
import { createValidityStage, type ValidityStage } from './core/validity.ts';
import { acceptIntoSpool } from './http/accept.ts';
import { buildIngestApp } from './http/app.ts';
import { createDeviceAuth } from './http/device-auth.ts';
import { once } from './lifecycle.ts';
import { createDeadLetter } from './messages/dead-letter.ts';
import { createForward } from './messages/forward.ts';
import { createPrepare } from './messages/prepare.ts';
import { createIngestMetrics, type IngestMetrics } from './metrics.ts';
import { createMqttClient, endMqttClient, guardedPublish, subscribeAndConnect } from './mqtt/client.ts';
import { handleMessages } from './mqtt/on-message.ts';
import { Spool } from './spool/spool.ts';
import { startSpoolDrain } from './spool-drain.ts';
import { watchStations } from './stations.ts';
import { createWriter } from './writer.ts';

const DAY_MS = 86_400_000;

export type IngestService = {
  metrics: IngestMetrics;
  httpPort: number | undefined;
  /** True once the broker has granted the subscription. */
  isSubscribed(): boolean;
  /** Resolves when every reading received so far is written or dead-lettered (tests, graceful stop). */
  drain(): Promise<void>;
  close(): Promise<void>;
};

/**
 * Options for measurements, never for users (not settings): `validity: false` leaves out the validity
 * stage, so a benchmark can price it (stack/bench/ingest: `e2e_no_validity_readings_per_s`).
 */
export type IngestInternals = { validity?: boolean };

/** No codes at all: readings stored and forwarded as before the validity stage existed. */
const NO_VALIDITY: ValidityStage = { assign() {}, stations: () => 0 };

/**
 * The worker: devices' messages (MQTT, and HTTP for those that cannot speak it) are decoded, made
 * durable in the spool before they are acknowledged, drained to InfluxDB and forwarded to the flows.
 */
export async function startIngest(
  config: IngestConfig,
  log: Logger,
  internals: IngestInternals = {},
): Promise<IngestService> {
  // First, before anything connects: a second worker on this spool folder stops here (issue 13, item 3).
  const spool = Spool.open(config.spool);
  const stations = await watchStations(config, log).catch((err: unknown) => {
    spool.close();
    throw err;
  });
  const metrics = createIngestMetrics();
  const writer = createWriter(config);
  const client = createMqttClient(config.mqtt);
  const publish = guardedPublish(client, log);
  const deadLetter = createDeadLetter(publish, metrics, log);
  const spoolDrain = startSpoolDrain(spool, config, writer, metrics, deadLetter, log);
  await enforcePrivate(config.spool.dir, log); // after open: covers the segment it just made too
  // Device time as old as the ingest accepts may still fall in a window; a day ahead is listed early.
  const windows =
    config.recordsPath === undefined
      ? undefined
      : watchWindowSource(config.recordsPath, {
          lookbackMs: config.limits.maxPastMs,
          lookaheadMs: DAY_MS,
          onProblem: (message) => log.warn({ path: config.recordsPath }, message),
          onChange: (list) => {
            metrics.maintenanceWindows.set(list.length);
            log.info({ windows: list.length }, 'maintenance windows read');
          },
        });
  const prepare = createPrepare(
    {
      time: { maxPastMs: config.limits.maxPastMs, maxFutureMs: config.limits.maxFutureMs },
      maxPayloadBytes: config.limits.maxPayloadBytes,
      lookupStation: stations?.lookup,
    },
    deadLetter,
    internals.validity === false
      ? NO_VALIDITY
      : createValidityStage({
          clock: clockRule(config.validity.clockAheadMs, config.validity.clockBehindMs),
          standards: loadStandards(),
          inMaintenance: windows?.inWindow,
        }),
  );
  const forward = createForward(client, publish, config.mqtt.readingsQos, metrics, log);

  handleMessages(client, { prepare, forward, spoolDrain, metrics, log });
  const subscribed = subscribeAndConnect(client, config.mqtt, metrics, log);

  const http =
    config.http.port >= 0
      ? await buildIngestApp({
          metrics,
          readiness: { mqttConnected: () => client.connected, influxReachable: () => writer.ping() },
          log,
          trustProxy: config.http.trustProxy,
          // Devices that cannot speak MQTT: only with a registry to authenticate them against.
          ingest: stations && {
            auth: createDeviceAuth({ device: stations.device, sampleHash: stations.sampleHash }),
            accept: acceptIntoSpool(spoolDrain.spool, prepare, forward, metrics),
            maxPayloadBytes: config.limits.maxPayloadBytes,
            limits: config.http.deviceLimits,
          },
        })
      : undefined;
  const httpPort = http && (await listen(http, config.http.host, config.http.port));
  log.info({ mqtt: config.mqtt.url, influx: config.influx.url, httpPort }, 'ingest started');

  return {
    metrics,
    httpPort,
    isSubscribed: () => subscribed() && client.connected,
    drain: () => spoolDrain.idle(),
    close: once(async () => {
      // Stop taking messages first; unacknowledged ones stay with the broker for the next worker.
      await endMqttClient(client);
      await spoolDrain.close();
      await http?.close();
      await writer.close();
      stations?.close();
      windows?.close();
    }),
  };
}

/** Listens; returns the port (the one picked when `port` is 0). */
async function listen(app: FastifyInstance, host: string, port: number): Promise<number | undefined> {
  await app.listen({ host, port });
  const address = app.server.address();
  return typeof address === 'object' && address ? address.port : undefined;
}
