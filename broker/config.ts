import { dirname, join } from 'node:path';
import { z } from 'zod';
import { envFlag, envNonEmpty } from '../lib/config.ts';
import { FsyncPolicies } from '../lib/framing.ts';
import { setting } from '../lib/settings/declare.ts';
import { settingsFromEnv, settingsSchema } from '../lib/settings/schema.ts';

const port = z.coerce.number().int().min(0).max(65535);
/** A listener port that may be turned off: 0 picks a free port, -1 turns it off. */
const optionalPort = z.coerce.number().int().min(-1).max(65535);
const positive = z.coerce.number().int().positive();

/** Broker settings, each with its variable (broker/README.md "Configuration" is generated from them). */
export const BrokerSettings = {
  host: setting({
    env: 'BROKER_HOST',
    schema: z.string(),
    default: '127.0.0.1',
    meaning: 'address of every MQTT listener',
  }),
  port: setting({
    env: 'BROKER_PORT',
    schema: port,
    default: 1883,
    meaning: 'MQTT/TCP port (0: a free one)',
  }),
  registryPath: setting({
    env: 'REGISTRY_PATH',
    schema: z.string().min(1),
    default: 'state/registry.json',
    meaning: 'device and service registry',
  }),
  watchRegistry: setting({
    env: 'BROKER_WATCH_REGISTRY',
    schema: z.boolean(),
    default: true,
    fromEnv: envFlag,
    meaning: 'reload the registry when the file changes (CLI add, rotate, revoke take effect at once)',
  }),
  httpHost: setting({
    env: 'BROKER_HTTP_HOST',
    schema: z.string(),
    default: '127.0.0.1',
    meaning: 'address of the HTTP listener',
  }),
  httpPort: setting({
    env: 'BROKER_HTTP_PORT',
    schema: optionalPort,
    default: 9101,
    meaning: '`/healthz`, `/metrics`, admin API (`0`: a free port, `-1`: off)',
  }),
  adminToken: setting({
    env: 'BROKER_ADMIN_TOKEN',
    schema: z.string().min(16, 'the admin token needs at least 16 characters'),
    optional: true,
    fromEnv: envNonEmpty,
    secret: true,
    deploy: true,
    meaning: 'bearer token for `/admin/*`, at least 16 characters; without one the admin API is off',
  }),
  tls: {
    port: setting({
      env: 'BROKER_TLS_PORT',
      schema: optionalPort,
      default: -1,
      meaning: 'MQTT/TLS port (`-1`: off); needs `BROKER_TLS_CERT` and `BROKER_TLS_KEY`',
    }),
    certPath: setting({
      env: 'BROKER_TLS_CERT',
      schema: z.string(),
      optional: true,
      meaning: 'PEM certificate (chain)',
    }),
    keyPath: setting({
      env: 'BROKER_TLS_KEY',
      schema: z.string(),
      optional: true,
      meaning: 'PEM private key',
    }),
    caPath: setting({
      env: 'BROKER_TLS_CA',
      schema: z.string(),
      optional: true,
      meaning: 'optional CA bundle sent with the chain',
    }),
  },
  ws: {
    port: setting({
      env: 'BROKER_WS_PORT',
      schema: optionalPort,
      default: -1,
      meaning: 'MQTT over WebSocket port, for browsers (`-1`: off)',
    }),
    path: setting({
      env: 'BROKER_WS_PATH',
      schema: z.string().startsWith('/'),
      default: '/mqtt',
      meaning: 'WebSocket path',
    }),
  },
  maxPayloadBytes: setting({
    env: 'BROKER_MAX_PAYLOAD_BYTES',
    schema: positive,
    default: 256 * 1024,
    meaning: 'larger publishes are dropped; a packet over this + 1 KiB closes the connection',
  }),
  connectTimeoutMs: setting({
    env: 'BROKER_CONNECT_TIMEOUT_MS',
    schema: positive,
    default: 10_000,
    meaning: 'time to finish a TLS or WebSocket handshake and send CONNECT; a socket that has not is closed',
  }),
  limits: {
    connectionsPerAddress: setting({
      env: 'BROKER_MAX_CONNECTIONS_PER_ADDRESS',
      schema: positive,
      default: 256,
      deploy: true,
      meaning: 'open connections per source IP address, over all listeners',
    }),
    deviceMessagesPerSecond: setting({
      env: 'BROKER_DEVICE_MESSAGES_PER_SECOND',
      schema: positive,
      default: 100,
      meaning: 'sustained publishes per device (token bucket); more are dropped and counted',
    }),
    deviceBurstMessages: setting({
      env: 'BROKER_DEVICE_BURST_MESSAGES',
      schema: positive,
      default: 1000,
      meaning: 'publishes a device may send at once (a backlog after an outage) before the rate applies',
    }),
    keepaliveMaxSeconds: setting({
      env: 'BROKER_KEEPALIVE_MAX_SECONDS',
      schema: positive.max(65535),
      default: 300,
      meaning: 'largest keepalive a client may ask for (CONNACK 2 above it)',
    }),
    // Section 3.1.2.10: 0 turns MQTT keepalive off; many clients default to it. TCP keepalive finds dead peers.
    allowKeepaliveZero: setting({
      env: 'BROKER_ALLOW_KEEPALIVE_ZERO',
      schema: z.boolean(),
      default: true,
      fromEnv: envFlag,
      meaning: 'accept a keepalive of 0 (none); `false` answers CONNACK 2, as Mosquitto with max_keepalive',
    }),
    tcpKeepaliveSeconds: setting({
      env: 'BROKER_TCP_KEEPALIVE_SECONDS',
      schema: positive,
      default: 60,
      meaning:
        'idle time before the kernel probes an MQTT connection (TCP keepalive): finds dead peers of every client, keepalive 0 or not',
    }),
    maxQueuedMessages: setting({
      env: 'BROKER_MAX_QUEUED_MESSAGES',
      schema: positive,
      default: 500_000,
      meaning:
        'journal: messages queued for persistent sessions (in RAM, about 1 KB each) past which devices wait for their QoS 1 PUBACK',
    }),
    // Services are never held, so their messages (readings/... for the flows) are bounded per queue.
    maxQueuedServiceMessages: setting({
      env: 'BROKER_MAX_QUEUED_SERVICE_MESSAGES',
      schema: positive,
      default: 100_000,
      meaning:
        "journal: one absent persistent session's queue length past which what services publish is dropped for it (counted: `broker_queue_dropped_total`); bounds the flows' queue while Node-RED is away",
    }),
  },
  auth: {
    failuresPerAddress: setting({
      env: 'BROKER_AUTH_FAILURES_PER_ADDRESS',
      schema: positive,
      default: 10,
      meaning:
        'wrong secrets from one source address (IPv6: its /64) before its checks back off (1 s, doubling); refused CONNECTs get 3 without scrypt',
    }),
    failuresPerAccount: setting({
      env: 'BROKER_AUTH_FAILURES_PER_ACCOUNT',
      schema: positive,
      default: 5,
      meaning:
        'wrong secrets for one account, from any address, before its checks back off the same way (a secret that verified recently still connects)',
    }),
    maxBackoffSeconds: setting({
      env: 'BROKER_AUTH_MAX_BACKOFF_SECONDS',
      schema: positive,
      default: 60,
      meaning: 'longest wait between two checks of a throttled address or account',
    }),
    suspectChecksPerSecond: setting({
      env: 'BROKER_AUTH_SUSPECT_CHECKS_PER_SECOND',
      schema: z.coerce.number().positive(),
      default: 2,
      meaning:
        'scrypt checks per second, over all, for addresses or accounts that failed recently (guessers spread over many); fresh ones are not held to it',
    }),
    scryptThreads: setting({
      env: 'BROKER_SCRYPT_THREADS',
      schema: positive.max(64),
      optional: true,
      shown: 'cores - 1 (1 to 4)',
      meaning: "worker threads checking secrets (scrypt), apart from libuv's pool that the journal writes on",
    }),
    scryptQueue: setting({
      env: 'BROKER_SCRYPT_QUEUE',
      schema: z.coerce.number().int().min(0),
      default: 16,
      meaning:
        'secret checks that may wait for a thread; more are refused with CONNACK 3 (server unavailable)',
    }),
  },
  sessions: {
    perDevice: setting({
      env: 'BROKER_MAX_SESSIONS_PER_DEVICE',
      schema: positive,
      default: 8,
      meaning:
        'client ids (`<id>` or `<id>:<suffix>`) a device account may hold: live connections plus persistent sessions; a new one past it gets CONNACK 5',
    }),
    perService: setting({
      env: 'BROKER_MAX_SESSIONS_PER_SERVICE',
      schema: positive,
      default: 128,
      meaning: 'the same for a service account (each console tab or worker is one)',
    }),
  },
  persistence: {
    type: setting({
      env: 'BROKER_PERSISTENCE',
      schema: z.enum(['journal', 'level', 'redis', 'memory']),
      default: 'journal',
      meaning:
        '`journal` (memory + journal on disk), `level` (LevelDB, about 4x slower, backlog on disk), `redis` (cluster), `memory` (lost on restart)',
    }),
    dir: setting({
      env: 'BROKER_PERSISTENCE_DIR',
      schema: z.string().min(1),
      optional: true,
      shown: '`broker/` beside the registry (`state/broker`)',
      meaning: 'journal or LevelDB folder; one broker process per folder',
    }),
    redisUrl: setting({
      env: 'BROKER_REDIS_URL',
      schema: z.string().url(),
      optional: true,
      secret: true,
      meaning: '`redis://[user:pass@]host:port[/db]`, required for `redis`; also the cluster message bus',
    }),
    journal: {
      compactBytes: setting({
        env: 'BROKER_JOURNAL_COMPACT_BYTES',
        schema: positive,
        default: 64 * 1024 * 1024,
        meaning: 'rewrite the journal as a snapshot past this size (and twice the last snapshot)',
      }),
      fsync: setting({
        env: 'BROKER_JOURNAL_FSYNC',
        schema: z.enum(FsyncPolicies),
        default: 'interval',
        meaning: '`none`, `interval`, `always`: what a power cut may cost (see Persistence)',
      }),
      fsyncIntervalMs: setting({
        env: 'BROKER_JOURNAL_FSYNC_INTERVAL_MS',
        schema: positive,
        default: 1000,
        meaning: 'fdatasync period under `interval`',
      }),
    },
  },
};

export const BrokerConfigSchema = settingsSchema(BrokerSettings).superRefine((c, ctx) => {
  if (c.tls.port >= 0 && (!c.tls.certPath || !c.tls.keyPath))
    ctx.addIssue({ code: 'custom', path: ['tls'], message: 'a TLS port needs certPath and keyPath' });
  if (c.persistence.type === 'redis' && !c.persistence.redisUrl)
    ctx.addIssue({
      code: 'custom',
      path: ['persistence', 'redisUrl'],
      message: 'type=redis needs a redisUrl',
    });
});
export type BrokerConfig = z.infer<typeof BrokerConfigSchema>;
export type BrokerConfigInput = z.input<typeof BrokerConfigSchema>;

/** Where the on-disk persistence lives: the configured dir, else `broker/` beside the registry. */
export function persistenceDir(config: BrokerConfig): string {
  return config.persistence.dir ?? join(dirname(config.registryPath), 'broker');
}

/** The only reader of process.env in the broker. */
export function brokerConfigFromEnv(env: NodeJS.ProcessEnv = process.env): BrokerConfig {
  return settingsFromEnv(BrokerSettings, BrokerConfigSchema, env);
}
