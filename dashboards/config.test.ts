import { describe, expect, it } from 'vitest';
import { consoleConfigFromEnv } from './config.ts';

// Written from what the hand-written env mapping gave before the settings were declared once.
const EVERY_VARIABLE = {
  REGISTRY_PATH: '/r/reg.json',
  MQTT_URL: 'mqtts://b:8883',
  INFLUX_URL: 'http://i:8086',
  INFLUX_DATABASE: 'db',
  INFLUX_USERNAME: 'iu',
  INFLUX_PASSWORD: 'ip',
  INFLUX_TOKEN: 'tk',
  CONSOLE_HTTP_HOST: '0.0.0.0',
  CONSOLE_HTTP_PORT: '0',
  CONSOLE_SECURE_COOKIE: 'true',
  CONSOLE_PUBLIC_READ: 'yes',
  CONSOLE_SESSION_TTL_MS: '100',
  CONSOLE_MAX_SSE_CLIENTS: '5',
  CONSOLE_MAX_SSE_PER_LOGIN: '2',
  CONSOLE_TRUST_PROXY: '10.0.0.0/8,127.0.0.1',
  CONSOLE_MQTT_USERNAME: 'cu',
  CONSOLE_MQTT_PASSWORD: 'cp',
  CONSOLE_ACK_MQTT_USERNAME: 'cau',
  CONSOLE_ACK_MQTT_PASSWORD: 'cap',
  CONSOLE_INFLUX_TIMEOUT_MS: '99',
  CONSOLE_USERS_PATH: '/u.json',
  REPORTS_DIR: '/reports',
  REPORTS_AGENCY_NAME: 'DLHK',
  CONSOLE_KEEP_CLEARED: '7',
};

describe('console settings', () => {
  it('defaults', () => {
    expect(
      consoleConfigFromEnv({
        CONSOLE_MQTT_PASSWORD: 'cp',
      }),
    ).toEqual({
      http: {
        host: '127.0.0.1',
        port: 8080,
        secureCookie: false,
        publicRead: false,
        sessionTtlMs: 28800000,
        maxSseClients: 200,
        maxSsePerPrincipal: 4,
        trustProxy: false,
      },
      mqtt: {
        url: 'mqtt://127.0.0.1:1883',
        username: 'dashboard',
        password: 'cp',
        ackUsername: 'operator',
      },
      influx: {
        url: 'http://127.0.0.1:8086',
        database: 'environment',
        timeoutMs: 10000,
      },
      reports: { dir: 'state/reports', agency: 'Dinas Lingkungan Hidup dan Kebersihan Kota Depok' },
      recordsPath: 'state/records.db',
      usersPath: 'state/console-users.json',
      keepCleared: 100,
    });
  });

  it('reads every variable into its place', () => {
    expect(consoleConfigFromEnv(EVERY_VARIABLE)).toEqual({
      http: {
        host: '0.0.0.0',
        port: 0,
        secureCookie: true,
        publicRead: true,
        sessionTtlMs: 100,
        maxSseClients: 5,
        maxSsePerPrincipal: 2,
        trustProxy: '10.0.0.0/8,127.0.0.1',
      },
      mqtt: {
        url: 'mqtts://b:8883',
        username: 'cu',
        password: 'cp',
        ackUsername: 'cau',
        ackPassword: 'cap',
      },
      influx: {
        url: 'http://i:8086',
        database: 'db',
        username: 'iu',
        password: 'ip',
        token: 'tk',
        timeoutMs: 99,
      },
      registryPath: '/r/reg.json',
      reports: { dir: '/reports', agency: 'DLHK' },
      recordsPath: '/records.db',
      usersPath: '/u.json',
      keepCleared: 7,
    });
  });

  it('takes an empty acknowledging password as none, and names the missing one', () => {
    expect(
      consoleConfigFromEnv({ CONSOLE_MQTT_PASSWORD: 'cp', CONSOLE_ACK_MQTT_PASSWORD: '' }).mqtt.ackPassword,
    ).toBe(undefined);
    expect(() => consoleConfigFromEnv({})).toThrow(
      'CONSOLE_MQTT_PASSWORD (mqtt.password): CONSOLE_MQTT_PASSWORD is required: the broker admits no anonymous clients',
    );
  });
});
