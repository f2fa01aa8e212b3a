import { z } from 'zod';
import { envFlag, parseConfig } from '../lib/config.ts';
import { FsyncPolicies } from '../lib/framing.ts';

const DAY_MS = 86_400_000;

const InfluxV1Schema = z.object({
  version: z.literal(1),
  url: z.url(),
  database: z.string().min(1),
  retentionPolicy: z.string().optional(),
  username: z.string().optional(),
  password: z.string().optional(),
});
const InfluxV2Schema = z.object({
  version: z.literal(2),
  url: z.url(),
  org: z.string().min(1),
  bucket: z.string().min(1),
  token: z.string().min(1),
});

export const IngestConfigSchema = z.object({
  mqtt: z.object({
    url: z
      .string()
      .regex(/^(mqtts?|wss?|tcp):\/\//, 'an mqtt://, mqtts://, ws:// or wss:// URL')
      .default('mqtt://127.0.0.1:1883'),
    username: z.string().min(1).default('ingest'),
    password: z.string().min(1, 'MQTT_PASSWORD is required: the broker admits no anonymous clients'),
    /** Persistent session id: keep it stable across restarts or the broker forgets queued readings. */
    clientId: z.string().min(1).default('ingest'),
    /**
     * `sensors/+/+` on aedes; on an MQTT 5 broker several workers share one stream with
     * `$share/ingest/sensors/+/+` (README "Several workers").
     */
    subscription: z.string().default('sensors/+/+'),
    /** 4 = MQTT 3.1.1 (aedes); 5 for shared subscriptions on Mosquitto, EMQX, HiveMQ. */
    protocolVersion: z.union([z.literal(4), z.literal(5)]).default(4),
    /** MQTT 5 only: how long the broker keeps this worker's session while it is away (seconds). */
    sessionExpirySeconds: z.coerce
      .number()
      .int()
      .positive()
      .default(7 * 24 * 3600),
    /**
     * QoS of the normalized readings published for the alert flows. 0 by default: the flows subscribe at
     * QoS 0 (they are a live view; the archive is InfluxDB), and at QoS 1 every reading costs the broker a
     * second durable store while mqtt.js holds each one in memory until the broker acknowledges it.
     */
    readingsQos: z.union([z.literal(0), z.literal(1)]).default(0),
  }),
  influx: z.discriminatedUnion('version', [InfluxV1Schema, InfluxV2Schema]),
  http: z
    .object({
      host: z.string().default('127.0.0.1'),
      /** 0 picks a free port; -1 turns the HTTP server off. */
      port: z.coerce.number().int().min(-1).max(65535).default(9102),
      /** Reverse proxies whose X-Forwarded-For is believed (addresses or CIDR, comma-separated); none by default. */
      trustProxy: z.string().optional(),
      /** HTTP ingest, per device (token bucket): requests a second, and how many at once after a gap. */
      deviceLimits: z
        .object({
          requestsPerSecond: z.coerce.number().positive().default(1),
          burst: z.coerce.number().int().positive().default(60),
        })
        .prefault({}),
    })
    .prefault({}),
  batch: z
    .object({
      maxLines: z.coerce.number().int().positive().default(5000),
      flushIntervalMs: z.coerce.number().int().positive().default(200),
      writeTimeoutMs: z.coerce.number().int().positive().default(10_000),
      retryBaseMs: z.coerce.number().int().positive().default(250),
      retryMaxMs: z.coerce.number().int().positive().default(30_000),
    })
    .prefault({}),
  spool: z
    .object({
      /** One folder per worker: the spool is this worker's, never shared. */
      dir: z.string().min(1).default('state/spool/ingest'),
      /** Bound on disk use; when reached, acknowledgements stop and the broker holds the rest. */
      maxBytes: z.coerce
        .number()
        .int()
        .positive()
        .default(1024 ** 3),
      segmentBytes: z.coerce
        .number()
        .int()
        .positive()
        .default(16 * 1024 ** 2),
      fsync: z.enum(FsyncPolicies).default('interval'),
      fsyncIntervalMs: z.coerce.number().int().positive().default(1000),
    })
    .prefault({}),
  limits: z
    .object({
      maxPayloadBytes: z.coerce
        .number()
        .int()
        .positive()
        .default(64 * 1024),
      maxPastMs: z.coerce
        .number()
        .int()
        .positive()
        .default(30 * DAY_MS),
      maxFutureMs: z.coerce
        .number()
        .int()
        .positive()
        .default(5 * 60_000),
    })
    .prefault({}),
  /** Station registry (broker's file): unknown stations are rejected and registry tags are stored. */
  registryPath: z.string().optional(),
  requireRegisteredStation: z.boolean().default(true),
});
export type IngestConfig = z.infer<typeof IngestConfigSchema>;
export type IngestConfigInput = z.input<typeof IngestConfigSchema>;

export function ingestConfigFromEnv(env: NodeJS.ProcessEnv = process.env): IngestConfig {
  const version = env.INFLUX_VERSION === '2' ? 2 : 1;
  const influx =
    version === 2
      ? {
          version,
          url: env.INFLUX_URL,
          org: env.INFLUX_ORG,
          bucket: env.INFLUX_BUCKET,
          token: env.INFLUX_TOKEN,
        }
      : {
          version,
          url: env.INFLUX_URL ?? 'http://127.0.0.1:8086',
          database: env.INFLUX_DATABASE ?? 'environment',
          retentionPolicy: env.INFLUX_RETENTION_POLICY,
          username: env.INFLUX_USERNAME,
          password: env.INFLUX_PASSWORD,
        };
  return parseConfig(IngestConfigSchema, {
    mqtt: {
      url: env.MQTT_URL,
      username: env.MQTT_USERNAME,
      password: env.MQTT_PASSWORD,
      clientId: env.MQTT_CLIENT_ID,
      subscription: env.INGEST_SUBSCRIPTION,
      protocolVersion:
        env.MQTT_PROTOCOL_VERSION === undefined ? undefined : Number(env.MQTT_PROTOCOL_VERSION),
      sessionExpirySeconds: env.MQTT_SESSION_EXPIRY_SECONDS,
      readingsQos: env.INGEST_READINGS_QOS === undefined ? undefined : Number(env.INGEST_READINGS_QOS),
    },
    influx,
    http: {
      host: env.INGEST_HTTP_HOST,
      port: env.INGEST_HTTP_PORT,
      trustProxy: env.INGEST_HTTP_TRUST_PROXY || undefined,
      deviceLimits: {
        requestsPerSecond: env.INGEST_HTTP_DEVICE_REQUESTS_PER_SECOND,
        burst: env.INGEST_HTTP_DEVICE_BURST,
      },
    },
    batch: {
      maxLines: env.INGEST_BATCH_MAX_LINES,
      flushIntervalMs: env.INGEST_FLUSH_INTERVAL_MS,
      writeTimeoutMs: env.INGEST_WRITE_TIMEOUT_MS,
      retryBaseMs: env.INGEST_RETRY_BASE_MS,
      retryMaxMs: env.INGEST_RETRY_MAX_MS,
    },
    spool: {
      dir: env.INGEST_SPOOL_DIR,
      maxBytes: env.INGEST_SPOOL_MAX_BYTES,
      segmentBytes: env.INGEST_SPOOL_SEGMENT_BYTES,
      fsync: env.INGEST_SPOOL_FSYNC,
      fsyncIntervalMs: env.INGEST_SPOOL_FSYNC_INTERVAL_MS,
    },
    limits: {
      maxPayloadBytes: env.INGEST_MAX_PAYLOAD_BYTES,
      maxPastMs: env.INGEST_MAX_PAST_MS,
      maxFutureMs: env.INGEST_MAX_FUTURE_MS,
    },
    registryPath: env.REGISTRY_PATH,
    requireRegisteredStation: envFlag(env.INGEST_REQUIRE_REGISTERED_STATION),
  });
}
