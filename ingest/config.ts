import { z } from 'zod';
import { filters } from '../lib/catalogue/topics.ts';
import { envFlag, envNonEmpty, envNumber } from '../lib/config.ts';
import { FsyncPolicies } from '../lib/framing.ts';
import { oneOf, setting } from '../lib/settings/declare.ts';
import { settingsFromEnv, settingsSchema } from '../lib/settings/schema.ts';
import { InfluxV1Settings, InfluxV2Settings } from './config-influx.ts';

const DAY_MS = 86_400_000;
const positive = z.coerce.number().int().positive();

export const IngestSettings = {
  mqtt: {
    url: setting({
      env: 'MQTT_URL',
      schema: z.string().regex(/^(mqtts?|wss?|tcp):\/\//, 'an mqtt://, mqtts://, ws:// or wss:// URL'),
      default: 'mqtt://127.0.0.1:1883',
      meaning: 'broker; `mqtt://`, `mqtts://`, `ws://`, `wss://` or `tcp://`',
    }),
    username: setting({
      env: 'MQTT_USERNAME',
      schema: z.string().min(1),
      default: 'ingest',
      meaning: 'service account (role `ingest` in the broker registry)',
    }),
    password: setting({
      env: 'MQTT_PASSWORD',
      schema: z.string().min(1, 'MQTT_PASSWORD is required: the broker admits no anonymous clients'),
      secret: true,
      meaning: 'its secret; the broker admits no anonymous client',
    }),
    clientId: setting({
      env: 'MQTT_CLIENT_ID',
      schema: z.string().min(1),
      default: 'ingest',
      meaning:
        'persistent-session id: keep it stable across restarts (or the broker forgets queued readings), and distinct per worker',
    }),
    subscription: setting({
      env: 'INGEST_SUBSCRIPTION',
      schema: z.string(),
      default: filters.readings,
      meaning: 'topic filter; `$share/ingest/sensors/+/+` for several workers on an MQTT 5 broker',
    }),
    protocolVersion: setting({
      env: 'MQTT_PROTOCOL_VERSION',
      schema: z.union([z.literal(4), z.literal(5)]),
      default: 4,
      fromEnv: envNumber,
      meaning: '`4` = MQTT 3.1.1 (aedes); `5` for shared subscriptions (Mosquitto, EMQX, HiveMQ)',
    }),
    sessionExpirySeconds: setting({
      env: 'MQTT_SESSION_EXPIRY_SECONDS',
      schema: positive,
      default: 7 * 24 * 3600,
      meaning: 'MQTT 5 only: how long the broker keeps the session (and its queue) while the worker is away',
    }),
    // At QoS 1 the broker queues each forward for the flows' persistent session while Node-RED is away,
    // so an exceedance in a restart still raises its alert (messages/forward.ts has the bounds).
    readingsQos: setting({
      env: 'INGEST_READINGS_QOS',
      schema: z.union([z.literal(0), z.literal(1)]),
      default: 1,
      fromEnv: envNumber,
      meaning:
        'QoS of the normalized `readings/<kind>/<station>` messages: `1` reaches the flows at least once (the broker keeps them for Node-RED while it restarts); `0` is a live view that a restart or a busy broker thins',
    }),
  },
  influx: oneOf('version', [InfluxV1Settings, InfluxV2Settings]),
  http: {
    host: setting({
      env: 'INGEST_HTTP_HOST',
      schema: z.string(),
      default: '127.0.0.1',
      meaning: 'HTTP listener address (`0.0.0.0` in a container)',
    }),
    port: setting({
      env: 'INGEST_HTTP_PORT',
      schema: z.coerce.number().int().min(-1).max(65535),
      default: 9102,
      meaning: '`/healthz`, `/readyz`, `/metrics`, HTTP ingest; `0` picks a free port, `-1` turns HTTP off',
    }),
    trustProxy: setting({
      env: 'INGEST_HTTP_TRUST_PROXY',
      schema: z.string().min(1),
      optional: true,
      fromEnv: envNonEmpty,
      meaning:
        'reverse proxies whose X-Forwarded-For is believed (addresses or CIDRs, comma-separated), so HTTP ingest limits are per client; none by default',
    }),
    deviceLimits: {
      requestsPerSecond: setting({
        env: 'INGEST_HTTP_DEVICE_REQUESTS_PER_SECOND',
        schema: z.coerce.number().positive(),
        default: 1,
        meaning:
          'HTTP ingest requests a device may make a second (token bucket; one request may carry a SenML pack)',
      }),
      burst: setting({
        env: 'INGEST_HTTP_DEVICE_BURST',
        schema: positive,
        default: 60,
        meaning: 'HTTP ingest requests a device may make at once (a backlog after a network gap)',
      }),
    },
  },
  batch: {
    maxLines: setting({
      env: 'INGEST_BATCH_MAX_LINES',
      schema: positive,
      default: 5000,
      meaning: 'lines per InfluxDB write',
    }),
    flushIntervalMs: setting({
      env: 'INGEST_FLUSH_INTERVAL_MS',
      schema: positive,
      default: 200,
      meaning: 'how long a partial batch waits for more readings before it is written',
    }),
    writeTimeoutMs: setting({
      env: 'INGEST_WRITE_TIMEOUT_MS',
      schema: positive,
      default: 10_000,
      meaning: 'per write request',
    }),
    retryBaseMs: setting({
      env: 'INGEST_RETRY_BASE_MS',
      schema: positive,
      default: 250,
      meaning: 'first retry delay (exponential, full jitter)',
    }),
    retryMaxMs: setting({
      env: 'INGEST_RETRY_MAX_MS',
      schema: positive,
      default: 30_000,
      meaning: 'retry delay ceiling',
    }),
  },
  spool: {
    dir: setting({
      env: 'INGEST_SPOOL_DIR',
      schema: z.string().min(1),
      default: 'state/spool/ingest',
      meaning:
        "this worker's spool folder (relative to the working directory; `npm start`: `<STATE_DIR>/spool/ingest`), locked: a second worker on it refuses to start",
    }),
    maxBytes: setting({
      env: 'INGEST_SPOOL_MAX_BYTES',
      schema: positive,
      default: 1024 ** 3,
      deploy: true,
      meaning: 'undrained bytes at which the worker stops acknowledging (the broker holds the rest)',
    }),
    segmentBytes: setting({
      env: 'INGEST_SPOOL_SEGMENT_BYTES',
      schema: positive,
      default: 16 * 1024 ** 2,
      meaning: 'size of one spool segment file',
    }),
    fsync: setting({
      env: 'INGEST_SPOOL_FSYNC',
      schema: z.enum(FsyncPolicies),
      default: 'interval',
      deploy: true,
      meaning: '`none`, `interval` or `always`: what a power loss may cost (see "Spool")',
    }),
    fsyncIntervalMs: setting({
      env: 'INGEST_SPOOL_FSYNC_INTERVAL_MS',
      schema: positive,
      default: 1000,
      meaning: 'period of the `interval` policy',
    }),
  },
  limits: {
    maxPayloadBytes: setting({
      env: 'INGEST_MAX_PAYLOAD_BYTES',
      schema: positive,
      default: 64 * 1024,
      meaning: 'larger payloads are rejected (`payload_too_large`)',
    }),
    maxPastMs: setting({
      env: 'INGEST_MAX_PAST_MS',
      schema: positive,
      default: 30 * DAY_MS,
      meaning: 'oldest device time accepted, relative to now',
    }),
    maxFutureMs: setting({
      env: 'INGEST_MAX_FUTURE_MS',
      schema: positive,
      default: 5 * 60_000,
      meaning: 'newest device time accepted (clock skew)',
    }),
  },
  // Validity code 18 (lib/validity/codes.ts): a device time far from the arrival time, inside the window above.
  validity: {
    clockAheadMs: setting({
      env: 'INGEST_VALIDITY_CLOCK_AHEAD_MS',
      schema: z.coerce.number().int().nonnegative(),
      default: 2 * 60_000,
      meaning:
        'device time this far ahead of arrival is a clock problem (code 18): no delay makes a reading early; `0` turns it off',
    }),
    clockBehindMs: setting({
      env: 'INGEST_VALIDITY_CLOCK_BEHIND_MS',
      schema: z.coerce.number().int().nonnegative(),
      default: 0,
      meaning:
        'device time this far behind arrival is a clock problem (code 18); `0` (default) is off: a logger replaying its backlog, or the broker queue after an ingest outage, is late without a clock fault',
    }),
  },
  registryPath: setting({
    env: 'REGISTRY_PATH',
    schema: z.string(),
    optional: true,
    meaning:
      "the broker's registry file, re-read when it changes: stations it does not list are rejected, and its `district` and `operator` become tags",
  }),
  // Issue 15: a value inside a maintenance or calibration window gets code 16 (lib/validity/codes.ts).
  recordsPath: setting({
    env: 'INGEST_RECORDS_PATH',
    fallback: 'RECORDS_PATH',
    schema: z.string().min(1),
    optional: true,
    fromEnv: envNonEmpty,
    meaning:
      'the records database (maintenance windows), read-only: checked every 2 s and read again when it changed; values inside a window get validity code 16; unset or missing: no windows',
  }),
  requireRegisteredStation: setting({
    env: 'INGEST_REQUIRE_REGISTERED_STATION',
    schema: z.boolean(),
    default: true,
    fromEnv: envFlag,
    meaning:
      'with `REGISTRY_PATH`: reject unregistered (or revoked, or other-kind) stations; `false` accepts any well-formed station id, without registry tags (as does no `REGISTRY_PATH`)',
  }),
};

export const IngestConfigSchema = settingsSchema(IngestSettings);
export type IngestConfig = z.infer<typeof IngestConfigSchema>;
export type IngestConfigInput = z.input<typeof IngestConfigSchema>;

/** The only reader of process.env in the ingest. */
export function ingestConfigFromEnv(env: NodeJS.ProcessEnv = process.env): IngestConfig {
  return settingsFromEnv(IngestSettings, IngestConfigSchema, env);
}
