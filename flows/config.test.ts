import { describe, expect, it } from 'vitest';
import { flowsConfigFromEnv } from './config.ts';

// Written from what the hand-written env mapping gave before the settings were declared once.
const EVERY_VARIABLE = {
  FLOWS_MQTT_URL: 'mqtt://f:1',
  FLOWS_MQTT_USERNAME: 'fu',
  FLOWS_MQTT_PASSWORD: 'fp',
  FLOWS_MQTT_CLIENT_ID: 'fc',
  FLOWS_INFLUX_VERSION: '2',
  FLOWS_INFLUX_URL: 'http://fi:1',
  FLOWS_INFLUX_DATABASE: 'fd',
  FLOWS_INFLUX_RETENTION_POLICY: 'frp',
  FLOWS_INFLUX_USERNAME: 'fiu',
  FLOWS_INFLUX_PASSWORD: 'fip',
  FLOWS_INFLUX_ORG: 'fo',
  FLOWS_INFLUX_BUCKET: 'fb',
  FLOWS_INFLUX_TOKEN: 'ft',
  FLOWS_HOST: '0.0.0.0',
  FLOWS_PORT: '1',
  FLOWS_STATE_DIR: '/fs',
  FLOWS_RULES_FILE: '/rules.json',
  FLOWS_RULES_OVERRIDES: '/o.json',
  FLOWS_TICK_MS: '60',
  FLOWS_SNAPSHOT_MS: '200',
  FLOWS_ESCALATE_AFTER_S: '0',
  FLOWS_LANGUAGE: 'en',
  FLOWS_API_TOKEN: 'bbbbbbbbbbbbbbbb',
  FLOWS_ADMIN_USER: 'adm',
  FLOWS_ADMIN_PASSWORD_HASH: '$2b$10$abc',
  FLOWS_ALLOW_DANGEROUS_NODES: 'true',
  FLOWS_WEBHOOK_URL: 'http://w',
  FLOWS_SMTP_URL: 'smtp://s',
  FLOWS_MAIL_FROM: 'f@x',
  FLOWS_MAIL_TO: 'a@x,b@x',
  FLOWS_ESCALATION_MAIL_TO: 'e@x',
  FLOWS_TELEGRAM_TOKEN: 'tt',
  FLOWS_TELEGRAM_CHAT_ID: '42',
  FLOWS_TELEGRAM_API_URL: 'http://t',
  FLOWS_NOTIFY_EVENTS: 'raised',
  FLOWS_NOTIFY_RATE_COUNT: '2',
  FLOWS_NOTIFY_RATE_WINDOW_S: '3',
  LOG_LEVEL: 'debug',
};

describe('flows settings', () => {
  it('defaults', () => {
    expect(
      flowsConfigFromEnv({
        FLOWS_MQTT_PASSWORD: 'fp',
      }),
    ).toEqual({
      mqtt: {
        url: 'mqtt://127.0.0.1:1883',
        username: 'flows',
        password: 'fp',
        clientId: 'flows',
      },
      influx: {
        version: 1,
        url: 'http://127.0.0.1:8086',
        database: 'environment',
      },
      host: '127.0.0.1',
      port: 1880,
      stateDir: 'state/flows',
      tickMs: 5000,
      snapshotMs: 30000,
      escalateAfterS: 1800,
      language: 'id',
      admin: {
        username: 'admin',
      },
      allowDangerousNodes: false,
      notify: {},
      logLevel: 'info',
      startTimeoutMs: 30000,
    });
  });

  it('reads every variable into its place', () => {
    expect(flowsConfigFromEnv(EVERY_VARIABLE)).toEqual({
      mqtt: {
        url: 'mqtt://f:1',
        username: 'fu',
        password: 'fp',
        clientId: 'fc',
      },
      influx: {
        version: 2,
        url: 'http://fi:1',
        database: 'fd',
        retentionPolicy: 'frp',
        username: 'fiu',
        password: 'fip',
        org: 'fo',
        bucket: 'fb',
        token: 'ft',
      },
      host: '0.0.0.0',
      port: 1,
      stateDir: '/fs',
      rulesFile: '/rules.json',
      overridesFile: '/o.json',
      tickMs: 60,
      snapshotMs: 200,
      escalateAfterS: 0,
      language: 'en',
      apiToken: 'bbbbbbbbbbbbbbbb',
      admin: {
        username: 'adm',
        passwordHash: '$2b$10$abc',
      },
      allowDangerousNodes: true,
      notify: {
        FLOWS_WEBHOOK_URL: 'http://w',
        FLOWS_SMTP_URL: 'smtp://s',
        FLOWS_MAIL_FROM: 'f@x',
        FLOWS_MAIL_TO: 'a@x,b@x',
        FLOWS_ESCALATION_MAIL_TO: 'e@x',
        FLOWS_TELEGRAM_TOKEN: 'tt',
        FLOWS_TELEGRAM_CHAT_ID: '42',
        FLOWS_TELEGRAM_API_URL: 'http://t',
        FLOWS_NOTIFY_EVENTS: 'raised',
        FLOWS_NOTIFY_RATE_COUNT: '2',
        FLOWS_NOTIFY_RATE_WINDOW_S: '3',
      },
      logLevel: 'debug',
      startTimeoutMs: 30000,
    });
  });

  it("falls back to the stack's variables, and names the one it read", () => {
    const config = flowsConfigFromEnv({
      FLOWS_MQTT_PASSWORD: 'fp',
      MQTT_URL: 'mqtt://m:2',
      INFLUX_VERSION: '2',
      INFLUX_URL: 'http://i:2',
      INFLUX_TOKEN: 't',
      STATE_DIR: '/st',
      FLOWS_WEBHOOK_URL: '',
    });
    expect(config.mqtt.url).toBe('mqtt://m:2');
    expect(config.influx).toMatchObject({
      version: 2,
      url: 'http://i:2',
      token: 't',
      database: 'environment',
    });
    expect(config.stateDir).toBe('/st/flows');
    expect(config.notify).toEqual({});
    expect(() => flowsConfigFromEnv({ FLOWS_MQTT_PASSWORD: 'fp', MQTT_URL: 'http://x' })).toThrow(
      /MQTT_URL \(mqtt\.url\): an mqtt:\/\/host:port URL/,
    );
  });

  it('refuses a language it has no catalogue for, naming the variable', () => {
    expect(() => flowsConfigFromEnv({ FLOWS_MQTT_PASSWORD: 'fp', FLOWS_LANGUAGE: 'fr' })).toThrow(
      /FLOWS_LANGUAGE/,
    );
    expect(flowsConfigFromEnv({ FLOWS_MQTT_PASSWORD: 'fp', FLOWS_LANGUAGE: 'en' }).language).toBe('en');
  });
});
