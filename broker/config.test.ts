import { describe, expect, it } from 'vitest';
import { brokerConfigFromEnv } from './config.ts';

// Written from what the hand-written env mapping gave before the settings were declared once.
const EVERY_VARIABLE = {
  BROKER_HOST: '0.0.0.0',
  BROKER_PORT: '1884',
  REGISTRY_PATH: '/r/reg.json',
  BROKER_WATCH_REGISTRY: 'false',
  BROKER_HTTP_HOST: '0.0.0.0',
  BROKER_HTTP_PORT: '-1',
  BROKER_ADMIN_TOKEN: 'aaaaaaaaaaaaaaaaaaaa',
  BROKER_TLS_PORT: '8883',
  BROKER_TLS_CERT: '/c.pem',
  BROKER_TLS_KEY: '/k.pem',
  BROKER_TLS_CA: '/ca.pem',
  BROKER_WS_PORT: '8080',
  BROKER_WS_PATH: '/ws',
  BROKER_MAX_PAYLOAD_BYTES: '1000',
  BROKER_CONNECT_TIMEOUT_MS: '2000',
  BROKER_MAX_CONNECTIONS_PER_ADDRESS: '9',
  BROKER_DEVICE_MESSAGES_PER_SECOND: '8',
  BROKER_DEVICE_BURST_MESSAGES: '7',
  BROKER_KEEPALIVE_MAX_SECONDS: '60',
  BROKER_ALLOW_KEEPALIVE_ZERO: 'false',
  BROKER_TCP_KEEPALIVE_SECONDS: '30',
  BROKER_MAX_QUEUED_MESSAGES: '1234',
  BROKER_MAX_QUEUED_SERVICE_MESSAGES: '567',
  BROKER_AUTH_FAILURES_PER_ADDRESS: '11',
  BROKER_AUTH_FAILURES_PER_ACCOUNT: '6',
  BROKER_AUTH_MAX_BACKOFF_SECONDS: '30',
  BROKER_AUTH_SUSPECT_CHECKS_PER_SECOND: '0.5',
  BROKER_SCRYPT_THREADS: '2',
  BROKER_SCRYPT_QUEUE: '0',
  BROKER_MAX_SESSIONS_PER_DEVICE: '3',
  BROKER_MAX_SESSIONS_PER_SERVICE: '40',
  BROKER_PERSISTENCE: 'redis',
  BROKER_PERSISTENCE_DIR: '/p',
  BROKER_REDIS_URL: 'redis://h:1/2',
  BROKER_JOURNAL_COMPACT_BYTES: '4096',
  BROKER_JOURNAL_FSYNC: 'always',
  BROKER_JOURNAL_FSYNC_INTERVAL_MS: '50',
};

describe('broker settings', () => {
  it('defaults', () => {
    expect(brokerConfigFromEnv({})).toEqual({
      host: '127.0.0.1',
      port: 1883,
      registryPath: 'state/registry.json',
      watchRegistry: true,
      httpHost: '127.0.0.1',
      httpPort: 9101,
      tls: {
        port: -1,
      },
      ws: {
        port: -1,
        path: '/mqtt',
      },
      maxPayloadBytes: 262144,
      connectTimeoutMs: 10000,
      limits: {
        connectionsPerAddress: 256,
        deviceMessagesPerSecond: 100,
        deviceBurstMessages: 1000,
        keepaliveMaxSeconds: 300,
        allowKeepaliveZero: true,
        tcpKeepaliveSeconds: 60,
        maxQueuedMessages: 500000,
        maxQueuedServiceMessages: 100000,
      },
      auth: {
        failuresPerAddress: 10,
        failuresPerAccount: 5,
        maxBackoffSeconds: 60,
        suspectChecksPerSecond: 2,
        scryptQueue: 16,
      },
      sessions: { perDevice: 8, perService: 128 },
      persistence: {
        type: 'journal',
        journal: {
          compactBytes: 67108864,
          fsync: 'interval',
          fsyncIntervalMs: 1000,
        },
      },
    });
  });

  it('reads every variable into its place', () => {
    expect(brokerConfigFromEnv(EVERY_VARIABLE)).toEqual({
      host: '0.0.0.0',
      port: 1884,
      registryPath: '/r/reg.json',
      watchRegistry: false,
      httpHost: '0.0.0.0',
      httpPort: -1,
      adminToken: 'aaaaaaaaaaaaaaaaaaaa',
      tls: {
        port: 8883,
        certPath: '/c.pem',
        keyPath: '/k.pem',
        caPath: '/ca.pem',
      },
      ws: {
        port: 8080,
        path: '/ws',
      },
      maxPayloadBytes: 1000,
      connectTimeoutMs: 2000,
      limits: {
        connectionsPerAddress: 9,
        deviceMessagesPerSecond: 8,
        deviceBurstMessages: 7,
        keepaliveMaxSeconds: 60,
        allowKeepaliveZero: false,
        tcpKeepaliveSeconds: 30,
        maxQueuedMessages: 1234,
        maxQueuedServiceMessages: 567,
      },
      auth: {
        failuresPerAddress: 11,
        failuresPerAccount: 6,
        maxBackoffSeconds: 30,
        suspectChecksPerSecond: 0.5,
        scryptThreads: 2,
        scryptQueue: 0,
      },
      sessions: { perDevice: 3, perService: 40 },
      persistence: {
        type: 'redis',
        dir: '/p',
        redisUrl: 'redis://h:1/2',
        journal: {
          compactBytes: 4096,
          fsync: 'always',
          fsyncIntervalMs: 50,
        },
      },
    });
  });

  it('takes an empty admin token as none, and names the variable of a bad value', () => {
    expect(brokerConfigFromEnv({ BROKER_ADMIN_TOKEN: '' }).adminToken).toBeUndefined();
    expect(() => brokerConfigFromEnv({ BROKER_PORT: 'x' })).toThrow(/BROKER_PORT \(port\): .*NaN/);
    // Cross-field checks run once every value is valid; their path still finds the variable.
    expect(() => brokerConfigFromEnv({ BROKER_PERSISTENCE: 'redis' })).toThrow(
      /BROKER_REDIS_URL \(persistence\.redisUrl\): type=redis needs a redisUrl/,
    );
  });
});
