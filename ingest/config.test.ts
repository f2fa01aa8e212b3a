import { describe, expect, it } from 'vitest';
import { ingestConfigFromEnv } from './config.ts';

// Written from what the hand-written env mapping gave before the settings were declared once.
const EVERY_VARIABLE = {
  REGISTRY_PATH: '/r/reg.json',
  MQTT_URL: 'mqtts://b:8883',
  MQTT_USERNAME: 'u',
  MQTT_PASSWORD: 'pw',
  MQTT_CLIENT_ID: 'c',
  INGEST_SUBSCRIPTION: '$share/ingest/sensors/+/+',
  MQTT_PROTOCOL_VERSION: '5',
  MQTT_SESSION_EXPIRY_SECONDS: '60',
  INGEST_READINGS_QOS: '0',
  INFLUX_URL: 'http://i:8086',
  INFLUX_DATABASE: 'db',
  INFLUX_RETENTION_POLICY: 'rp',
  INFLUX_USERNAME: 'iu',
  INFLUX_PASSWORD: 'ip',
  INFLUX_ORG: 'o',
  INFLUX_BUCKET: 'bk',
  INFLUX_TOKEN: 'tk',
  INGEST_HTTP_HOST: '0.0.0.0',
  INGEST_HTTP_PORT: '0',
  INGEST_HTTP_DEVICE_REQUESTS_PER_SECOND: '2.5',
  INGEST_HTTP_DEVICE_BURST: '3',
  INGEST_BATCH_MAX_LINES: '10',
  INGEST_FLUSH_INTERVAL_MS: '11',
  INGEST_WRITE_TIMEOUT_MS: '12',
  INGEST_RETRY_BASE_MS: '13',
  INGEST_RETRY_MAX_MS: '14',
  INGEST_SPOOL_DIR: '/s',
  INGEST_SPOOL_MAX_BYTES: '15',
  INGEST_SPOOL_SEGMENT_BYTES: '16',
  INGEST_SPOOL_FSYNC: 'none',
  INGEST_SPOOL_FSYNC_INTERVAL_MS: '17',
  INGEST_MAX_PAYLOAD_BYTES: '18',
  INGEST_MAX_PAST_MS: '19',
  INGEST_MAX_FUTURE_MS: '20',
  INGEST_VALIDITY_CLOCK_AHEAD_MS: '21',
  INGEST_VALIDITY_CLOCK_BEHIND_MS: '22',
  INGEST_REQUIRE_REGISTERED_STATION: 'no',
};

describe('ingest settings', () => {
  it('defaults', () => {
    expect(
      ingestConfigFromEnv({
        MQTT_PASSWORD: 'pw',
      }),
    ).toEqual({
      mqtt: {
        url: 'mqtt://127.0.0.1:1883',
        username: 'ingest',
        password: 'pw',
        clientId: 'ingest',
        subscription: 'sensors/+/+',
        protocolVersion: 4,
        sessionExpirySeconds: 604800,
        readingsQos: 1,
      },
      influx: {
        version: 1,
        url: 'http://127.0.0.1:8086',
        database: 'environment',
      },
      http: {
        host: '127.0.0.1',
        port: 9102,
        deviceLimits: {
          requestsPerSecond: 1,
          burst: 60,
        },
      },
      batch: {
        maxLines: 5000,
        flushIntervalMs: 200,
        writeTimeoutMs: 10000,
        retryBaseMs: 250,
        retryMaxMs: 30000,
      },
      spool: {
        dir: 'state/spool/ingest',
        maxBytes: 1073741824,
        segmentBytes: 16777216,
        fsync: 'interval',
        fsyncIntervalMs: 1000,
      },
      limits: {
        maxPayloadBytes: 65536,
        maxPastMs: 2592000000,
        maxFutureMs: 300000,
      },
      validity: { clockAheadMs: 120000, clockBehindMs: 0 },
      requireRegisteredStation: true,
    });
  });

  it('reads every variable into its place', () => {
    expect(ingestConfigFromEnv(EVERY_VARIABLE)).toEqual({
      mqtt: {
        url: 'mqtts://b:8883',
        username: 'u',
        password: 'pw',
        clientId: 'c',
        subscription: '$share/ingest/sensors/+/+',
        protocolVersion: 5,
        sessionExpirySeconds: 60,
        readingsQos: 0,
      },
      influx: {
        version: 1,
        url: 'http://i:8086',
        database: 'db',
        retentionPolicy: 'rp',
        username: 'iu',
        password: 'ip',
      },
      http: {
        host: '0.0.0.0',
        port: 0,
        deviceLimits: {
          requestsPerSecond: 2.5,
          burst: 3,
        },
      },
      batch: {
        maxLines: 10,
        flushIntervalMs: 11,
        writeTimeoutMs: 12,
        retryBaseMs: 13,
        retryMaxMs: 14,
      },
      spool: {
        dir: '/s',
        maxBytes: 15,
        segmentBytes: 16,
        fsync: 'none',
        fsyncIntervalMs: 17,
      },
      limits: {
        maxPayloadBytes: 18,
        maxPastMs: 19,
        maxFutureMs: 20,
      },
      validity: { clockAheadMs: 21, clockBehindMs: 22 },
      registryPath: '/r/reg.json',
      requireRegisteredStation: false,
    });
  });

  it('writes to InfluxDB 2.x with INFLUX_VERSION=2, which needs its target', () => {
    const v2 = { INFLUX_URL: 'http://i:8086', INFLUX_ORG: 'o', INFLUX_BUCKET: 'bk', INFLUX_TOKEN: 'tk' };
    expect(
      ingestConfigFromEnv({ MQTT_PASSWORD: 'pw', INFLUX_VERSION: '2', INFLUX_DATABASE: 'db', ...v2 }).influx,
    ).toEqual({
      version: 2,
      url: 'http://i:8086',
      org: 'o',
      bucket: 'bk',
      token: 'tk',
    });
    expect(() => ingestConfigFromEnv({ MQTT_PASSWORD: 'pw', INFLUX_VERSION: '2' })).toThrow(
      /INFLUX_URL \(influx\.url\).*\n.*INFLUX_ORG.*\n.*INFLUX_BUCKET.*\n.*INFLUX_TOKEN \(influx\.token\)/,
    );
    expect(() => ingestConfigFromEnv({})).toThrow(/MQTT_PASSWORD \(mqtt\.password\)/);
  });
});
