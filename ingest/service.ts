import mqtt, { type IPublishPacket, type MqttClient } from 'mqtt';
import { topics } from '../lib/catalogue/topics.ts';
import { LineProtocolError } from '../lib/influx/line-protocol.ts';
import { createV1Writer } from '../lib/influx/v1-writer.ts';
import { createV2Writer } from '../lib/influx/v2-writer.ts';
import type { PointWriter } from '../lib/influx/write-error.ts';
import type { Logger } from '../lib/log.ts';
import { enforcePrivate } from '../lib/private-files.ts';
import { LiveRegistry } from '../lib/registry/live-registry.ts';
import type { Device } from '../lib/registry/schema.ts';
import { VerifiedSecretCache } from '../lib/registry/secrets.ts';
import { stationTags } from '../lib/registry/store.ts';
import { verifyAccount } from '../lib/registry/verify-account.ts';
import type { IngestConfig } from './config.ts';
import { type DecodeContext, decodeMessage, type StationInfo } from './core/decode.ts';
import type { Reading } from './core/reading.ts';
import { Reasons } from './core/reasons.ts';
import { readingToLine } from './core/to-point.ts';
import { Drainer } from './drain.ts';
import { GroupCommit } from './group-commit.ts';
import { buildHttpApp } from './http.ts';
import { createIngestMetrics, type IngestMetrics } from './metrics.ts';
import { encodeEntry } from './spool/entry.ts';
import { Spool } from './spool/spool.ts';

export type IngestService = {
  metrics: IngestMetrics;
  httpPort: number | undefined;
  /** True once the broker has granted the subscription. */
  isSubscribed(): boolean;
  /** Resolves when every reading received so far is written or dead-lettered (tests, graceful stop). */
  drain(): Promise<void>;
  close(): Promise<void>;
};

export function createWriter(config: IngestConfig): PointWriter {
  const timeoutMs = config.batch.writeTimeoutMs;
  return config.influx.version === 1
    ? createV1Writer({ ...config.influx, timeoutMs })
    : createV2Writer({ ...config.influx, timeoutMs });
}

export async function startIngest(config: IngestConfig, log: Logger): Promise<IngestService> {
  const metrics = createIngestMetrics();
  const writer = createWriter(config);
  const stations = await watchStations(config, log);
  const decodeContext: Omit<DecodeContext, 'now'> = {
    time: { maxPastMs: config.limits.maxPastMs, maxFutureMs: config.limits.maxFutureMs },
    maxPayloadBytes: config.limits.maxPayloadBytes,
    lookupStation: stations?.lookup,
  };

  const client: MqttClient = mqtt.connect(config.mqtt.url, {
    clientId: config.mqtt.clientId,
    username: config.mqtt.username,
    password: config.mqtt.password,
    clean: false,
    protocolVersion: config.mqtt.protocolVersion,
    // [MQTT5 3.1.2.11.2]: without a session expiry an MQTT 5 session ends at disconnect, queue and all.
    properties:
      config.mqtt.protocolVersion === 5
        ? { sessionExpiryInterval: config.mqtt.sessionExpirySeconds }
        : undefined,
    reconnectPeriod: 1000,
    connectTimeout: 10_000,
    manualConnect: true,
  });

  // After close() has begun the client's store is gone; a publish then would throw inside mqtt.js.
  const publish = (topic: string, body: string, qos: 0 | 1) => {
    if (client.disconnecting || client.disconnected) {
      log.warn({ topic }, 'not published: the worker is stopping');
      return;
    }
    client.publish(topic, body, { qos });
  };

  const publishRejection = (
    kind: string,
    station: string,
    reason: string,
    detail: string,
    payload?: Uint8Array,
  ) => {
    metrics.rejected.inc({ reason });
    log.debug({ kind, station, reason, detail }, 'rejected');
    const body = {
      reason,
      detail,
      kind,
      station,
      received_at: new Date().toISOString(),
      payload_preview: payload ? Buffer.from(payload.subarray(0, 256)).toString('utf8') : undefined,
    };
    publish(topics.rejected(kind, station), JSON.stringify(body), 1);
  };

  const spool = Spool.open(config.spool);
  await enforcePrivate(config.spool.dir, log); // after open: covers the segment it just made too
  const drainer = new Drainer(
    spool,
    writer,
    config.batch,
    metrics,
    {
      onPermanentFailure: (entry, detail) =>
        publishRejection(entry.kind, entry.station, Reasons.writeRejected, detail),
      onRetry: (error, attempt, delayMs) =>
        log.warn(
          { err: error.message, status: error.status, attempt, delayMs },
          'influx write failed; retrying',
        ),
    },
    log,
  );
  if (spool.depth > 0)
    log.info({ readings: spool.depth }, 'spool holds readings from a previous run; draining them');
  drainer.start();

  const publishNormalized = (reading: Reading) => {
    // The live feed is QoS 0 and best effort: when the broker falls behind reading from us, skip it
    // (counted) rather than queue it in memory. Waiting instead would deadlock: the broker stops reading
    // our socket while its deliveries to us wait for our acknowledgements. The archive is unaffected.
    if (config.mqtt.readingsQos === 0 && (client.stream?.writableLength ?? 0) > MAX_UNSENT_BYTES) {
      metrics.notForwarded.inc();
      return;
    }
    const body: Record<string, unknown> = {
      kind: reading.kind,
      station: reading.station,
      ts: reading.ts,
      values: reading.values,
    };
    if (reading.seq !== undefined) body.seq = reading.seq;
    if (Object.keys(reading.tags).length > 0) body.tags = reading.tags;
    publish(topics.normalized(reading.kind, reading.station), JSON.stringify(body), config.mqtt.readingsQos);
  };

  const commits = new GroupCommit(spool, {
    onWritten: () => {
      // Kept current here too: while InfluxDB is down the drainer sits in one retry and cannot.
      metrics.spoolReadings.set(spool.depth);
      metrics.spoolBytes.set(spool.bytes);
    },
    // Disk full or an I/O error: the socket is gone with its PUBACKs; the broker redelivers later.
    onFailed: (err) => log.error({ err }, 'spool append failed; reconnecting without acknowledging'),
  });

  // Installed before connecting: a persistent session delivers its queue right after CONNACK.
  // mqtt.js sends the PUBACK when `done` runs; the group commit holds it in the corked socket until the
  // readings are in the spool (DESIGN.md, "Delivery guarantees"). When the spool is full `done` waits,
  // and the broker holds the rest.
  /**
   * One message, from MQTT or HTTP, decoded into spool entries; what is refused is counted and
   * dead-lettered here (a whole message, or one reading that line protocol cannot carry).
   */
  const prepare = (topic: string, payload: Buffer): Prepared => {
    const result = decodeMessage(topic, payload, { ...decodeContext, now: Date.now() });
    if (!result.ok) {
      const [, kind = 'unknown', station = 'unknown'] = topic.split('/');
      const safe = /^[a-z0-9_-]{1,64}$/;
      publishRejection(
        safe.test(kind) ? kind : 'unknown',
        safe.test(station) ? station : 'unknown',
        result.reason,
        result.detail,
        payload,
      );
      return { entries: [], stored: [], rejection: { reason: result.reason, detail: result.detail } };
    }
    const prepared: Prepared = { entries: [], stored: [] };
    for (const reading of result.readings) {
      try {
        prepared.entries.push(
          encodeEntry({ kind: reading.kind, station: reading.station, line: readingToLine(reading) }),
        );
        prepared.stored.push(reading);
      } catch (err) {
        if (!(err instanceof LineProtocolError)) throw err;
        publishRejection(reading.kind, reading.station, Reasons.writeRejected, err.message, payload);
        prepared.rejection = { reason: Reasons.writeRejected, detail: err.message };
      }
    }
    return prepared;
  };
  // Only what is stored goes on to the flows: they never alert on a reading the archive lacks.
  const forward = (stored: readonly Reading[]) => {
    for (const reading of stored) publishNormalized(reading);
  };

  client.handleMessage = (packet: IPublishPacket, done) => {
    // Packets already parsed when close() began: leave them unacknowledged; the broker redelivers them.
    if (client.disconnecting || client.disconnected) return;
    metrics.received.inc();
    if (packet.dup) metrics.duplicates.inc();
    const payload = typeof packet.payload === 'string' ? Buffer.from(packet.payload) : packet.payload;
    const { entries, stored, rejection } = prepare(packet.topic, payload);
    if (rejection && stored.length === 0) return done();
    commits.add(client.stream, entries, () => forward(stored));
    if (!spool.full) return done();
    metrics.spoolFull.inc();
    log.warn({ bytes: spool.bytes }, 'spool full: acknowledgements paused until InfluxDB catches up');
    spool.waitForSpace().then(() => done());
  };

  let subscribed = false;
  client.on('connect', (connack) => {
    metrics.connects.inc();
    log.info({ sessionPresent: connack.sessionPresent }, 'ingest connected to the broker');
    client.subscribe(config.mqtt.subscription, { qos: 1 }, (err, granted) => {
      subscribed = !err && !granted?.some((g) => g.qos >= 128);
      if (!subscribed) {
        log.error({ err: err?.message, granted }, 'subscription refused: check the ingest account role');
      }
    });
  });
  client.on('error', (err) => log.warn({ err: err.message }, 'mqtt error'));
  client.connect();

  const http =
    config.http.port >= 0
      ? await buildHttpApp({
          metrics,
          isConnected: () => client.connected,
          writer,
          log,
          // Devices that cannot speak MQTT: only with a registry to authenticate them against.
          ingest: stations && {
            knows: stations.knows,
            authenticate: stations.authenticate,
            maxPayloadBytes: config.limits.maxPayloadBytes,
            limits: config.http.deviceLimits,
            accept(kind, station, payload) {
              // The same rule as MQTT: in the spool before the answer; when it is full, nothing is taken
              // (and nothing decoded or dead-lettered: the device sends the same body again later).
              if (spool.full) {
                metrics.spoolFull.inc();
                return { status: 'full' } as const;
              }
              metrics.received.inc();
              const { entries, stored, rejection } = prepare(topics.reading(kind, station), payload);
              if (stored.length === 0) return { status: 'rejected', rejection } as const;
              spool.append(entries);
              forward(stored);
              return { status: 'stored', readings: stored.length, rejection } as const;
            },
          },
        })
      : undefined;
  let httpPort: number | undefined;
  if (http) {
    await http.listen({ host: config.http.host, port: config.http.port });
    const address = http.server.address();
    httpPort = typeof address === 'object' && address ? address.port : undefined;
  }
  log.info({ mqtt: config.mqtt.url, influx: config.influx.url, httpPort }, 'ingest started');

  return {
    metrics,
    httpPort,
    isSubscribed: () => subscribed && client.connected,
    drain: () => drainer.idle(),
    close: once(async () => {
      // Stop taking messages first; unacknowledged ones stay with the broker for the next worker.
      // A graceful end waits for in-flight publishes; with the broker gone it would wait forever.
      const ended = new Promise<void>((resolve) => client.end(false, {}, () => resolve()));
      const gaveUp = await Promise.race([ended.then(() => false), sleep(2000).then(() => true)]);
      if (gaveUp) await new Promise<void>((resolve) => client.end(true, {}, () => resolve()));
      // What is not written yet stays in the spool and drains after the next start.
      await Promise.race([drainer.idle(), sleep(5000)]);
      await drainer.close();
      commits.flush(); // readings decoded in this last turn; their PUBACKs went nowhere, the broker resends
      spool.close();
      await http?.close();
      await writer.close();
      stations?.close();
    }),
  };
}

type Prepared = { entries: Buffer[]; stored: Reading[]; rejection?: { reason: string; detail: string } };

/** Bytes written to the broker's socket and not yet taken by it, past which the live feed is skipped. */
const MAX_UNSENT_BYTES = 1 << 20;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms).unref());

/** Makes close() safe to call twice (tests close a worker early, then again in cleanup). */
function once(fn: () => Promise<void>): () => Promise<void> {
  let done: Promise<void> | undefined;
  return () => {
    done ??= fn();
    return done;
  };
}

/**
 * The registry's stations, re-read when the file changes (the devices CLI and the admin API edit it):
 * a device added, moved or revoked is seen without restarting the worker.
 */
async function watchStations(config: IngestConfig, log: Logger) {
  if (!config.registryPath || !config.requireRegisteredStation) return undefined;
  const registry = new LiveRegistry(config.registryPath, log);
  await registry.load();
  registry.watch(() => log.info({ accounts: registry.size }, 'registry reloaded'));
  // Device records are replaced on reload, so this cache forgets stale tags by itself.
  const infos = new WeakMap<Device, StationInfo>();
  const secrets = new VerifiedSecretCache();
  /** A device's own secret (the one it uses for MQTT), checked as the broker does. */
  const authenticate = async (id: string, secret: string): Promise<Device | undefined> => {
    const verdict = await verifyAccount(registry, secrets, id, secret);
    return verdict.ok && verdict.account.type === 'device' ? verdict.account.device : undefined;
  };
  const lookup = (id: string): StationInfo | undefined => {
    const account = registry.lookup(id);
    if (account?.type !== 'device' || account.device.revoked) return undefined;
    let info = infos.get(account.device);
    if (!info) {
      info = { kind: account.device.kind, tags: stationTags(account.device) };
      infos.set(account.device, info);
    }
    return info;
  };
  const knows = (id: string) => lookup(id) !== undefined;
  return { lookup, knows, authenticate, close: () => registry.close() };
}
