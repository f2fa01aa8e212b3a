import { dirname, join } from 'node:path';
import { z } from 'zod';
import { envFlag, parseConfig } from '../lib/config.ts';
import { FsyncPolicies } from '../lib/framing.ts';

const port = z.coerce.number().int().min(0).max(65535);
/** A listener port that may be turned off: 0 picks a free port, -1 turns it off. */
const optionalPort = z.coerce.number().int().min(-1).max(65535);
const positive = z.coerce.number().int().positive();

/** Broker settings (broker/README.md "Configuration"). brokerConfigFromEnv is the only reader of process.env here. */
export const BrokerConfigSchema = z
  .object({
    host: z.string().default('127.0.0.1'),
    port: port.default(1883),
    registryPath: z.string().min(1).default('state/registry.json'),
    /** Re-read the registry when the file changes (CLI add/rotate/revoke take effect at once). */
    watchRegistry: z.boolean().default(true),
    httpHost: z.string().default('127.0.0.1'),
    /** Health, Prometheus metrics and the admin API; 0 picks a free port, -1 turns HTTP off. */
    httpPort: optionalPort.default(9101),
    /** Bearer token for /admin/*; without one the admin API is not mounted. Never logged. */
    adminToken: z.string().min(16, 'the admin token needs at least 16 characters').optional(),
    tls: z
      .object({
        /** MQTT over TLS; -1 (default) turns it off. Needs certPath and keyPath. */
        port: optionalPort.default(-1),
        certPath: z.string().optional(),
        keyPath: z.string().optional(),
        /** Optional CA bundle sent with the chain. */
        caPath: z.string().optional(),
      })
      .default({ port: -1 }),
    ws: z
      .object({
        /** MQTT over WebSocket (path /mqtt) for browsers; -1 (default) turns it off. */
        port: optionalPort.default(-1),
        path: z.string().startsWith('/').default('/mqtt'),
      })
      .default({ port: -1, path: '/mqtt' }),
    maxPayloadBytes: positive.default(256 * 1024),
    connectTimeoutMs: positive.default(10_000),
    limits: z
      .object({
        /** Open connections per source IP address, over all listeners. */
        connectionsPerAddress: positive.default(256),
        /** Sustained PUBLISH packets per second per device (token bucket); over it they are dropped and counted. */
        deviceMessagesPerSecond: positive.default(100),
        /** Bucket size: a device may send this many at once (a backlog after an outage) before the rate applies. */
        deviceBurstMessages: positive.default(1000),
        /** Largest keepalive a client may ask for, seconds; 0 (none) is refused too [MQTT-3.1.2-24]. */
        keepaliveMaxSeconds: positive.max(65535).default(300),
        /**
         * journal only: messages queued for persistent sessions (held in RAM, about 1 KB each with a small
         * payload) past which devices' QoS 1 publishes wait for their PUBACK (queue-limit.ts).
         */
        maxQueuedMessages: positive.default(500_000),
      })
      .default({
        connectionsPerAddress: 256,
        deviceMessagesPerSecond: 100,
        deviceBurstMessages: 1000,
        keepaliveMaxSeconds: 300,
        maxQueuedMessages: 500_000,
      }),
    persistence: z
      .object({
        /**
         * journal: in memory, every change appended to a journal on disk (dir), about 4x faster than
         * level: LevelDB (dir), which keeps a long backlog on disk rather than in RAM; redis: shared by
         * cluster nodes (redisUrl); memory: lost on restart (tests only).
         */
        type: z.enum(['journal', 'level', 'redis', 'memory']).default('journal'),
        /** Default: a `broker` folder next to the registry (state/broker). */
        dir: z.string().min(1).optional(),
        /** redis://host:port[/db]; with type=redis, also the cluster's message bus (mqemitter-redis). */
        redisUrl: z.string().url().optional(),
        journal: z
          .object({
            /** Rewrite the journal as a snapshot of the live state past this size (and twice the last snapshot). */
            compactBytes: positive.default(64 * 1024 * 1024),
            /** What a power cut may cost (README "Persistence"); a process crash loses nothing in any mode. */
            fsync: z.enum(FsyncPolicies).default('interval'),
            fsyncIntervalMs: positive.default(1000),
          })
          .default({ compactBytes: 64 * 1024 * 1024, fsync: 'interval', fsyncIntervalMs: 1000 }),
      })
      .default({
        type: 'journal',
        journal: { compactBytes: 64 * 1024 * 1024, fsync: 'interval', fsyncIntervalMs: 1000 },
      }),
  })
  .superRefine((c, ctx) => {
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

export function brokerConfigFromEnv(env: NodeJS.ProcessEnv = process.env): BrokerConfig {
  return parseConfig(BrokerConfigSchema, {
    host: env.BROKER_HOST,
    port: env.BROKER_PORT,
    registryPath: env.REGISTRY_PATH,
    watchRegistry: envFlag(env.BROKER_WATCH_REGISTRY),
    httpHost: env.BROKER_HTTP_HOST,
    httpPort: env.BROKER_HTTP_PORT,
    adminToken: env.BROKER_ADMIN_TOKEN || undefined,
    tls: {
      port: env.BROKER_TLS_PORT,
      certPath: env.BROKER_TLS_CERT,
      keyPath: env.BROKER_TLS_KEY,
      caPath: env.BROKER_TLS_CA,
    },
    ws: { port: env.BROKER_WS_PORT, path: env.BROKER_WS_PATH },
    maxPayloadBytes: env.BROKER_MAX_PAYLOAD_BYTES,
    connectTimeoutMs: env.BROKER_CONNECT_TIMEOUT_MS,
    limits: {
      connectionsPerAddress: env.BROKER_MAX_CONNECTIONS_PER_ADDRESS,
      deviceMessagesPerSecond: env.BROKER_DEVICE_MESSAGES_PER_SECOND,
      deviceBurstMessages: env.BROKER_DEVICE_BURST_MESSAGES,
      keepaliveMaxSeconds: env.BROKER_KEEPALIVE_MAX_SECONDS,
      maxQueuedMessages: env.BROKER_MAX_QUEUED_MESSAGES,
    },
    persistence: {
      type: env.BROKER_PERSISTENCE,
      dir: env.BROKER_PERSISTENCE_DIR,
      redisUrl: env.BROKER_REDIS_URL,
      journal: {
        compactBytes: env.BROKER_JOURNAL_COMPACT_BYTES,
        fsync: env.BROKER_JOURNAL_FSYNC,
        fsyncIntervalMs: env.BROKER_JOURNAL_FSYNC_INTERVAL_MS,
      },
    },
  });
}
