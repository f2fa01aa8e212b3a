import { describe, expect, it } from 'vitest';
import { createLogger } from './log.ts';

/** A logger writing into memory; `text()` is everything written so far. */
function memoryLogger(level = 'info') {
  const lines: string[] = [];
  const log = createLogger('test', level, { write: (line: string) => lines.push(line) });
  return { log, text: () => lines.join(''), lines };
}

// Each secret-bearing field with a value found nowhere else, logged at the depths our logs use:
// top level, inside a config section, inside headers, deep in a nested object and in an array.
const FIELDS = [
  'password',
  'secret',
  'token',
  'apiToken',
  'adminToken',
  'ackPassword',
  'passwordHash',
  'secret_hash',
  'authorization',
  'Authorization',
  'cookie',
  'set-cookie',
  'credentialSecret',
  'INFLUX_TOKEN',
  'BROKER_ADMIN_TOKEN',
  'FLOWS_MQTT_PASSWORD',
] as const;

const placements: Record<string, (key: string, value: string) => Record<string, unknown>> = {
  'top level': (key, value) => ({ [key]: value }),
  'one level (*.secret)': (key, value) => ({ config: { [key]: value, port: 1883 } }),
  'request headers': (key, value) => ({ req: { headers: { [key]: value, host: 'x' } } }),
  'four levels': (key, value) => ({ a: { b: { c: { d: { [key]: value } } } } }),
  'in an array': (key, value) => ({ accounts: [{ username: 'u1' }, { username: 'u2', [key]: value }] }),
  'env object': (key, value) => ({ env: { PATH: '/usr/bin', [key]: value } }),
};

describe('log redaction', () => {
  for (const [where, place] of Object.entries(placements)) {
    it(`censors every secret-bearing field: ${where}`, () => {
      const { log, text } = memoryLogger();
      const value = (key: string) => `<value of ${key} ${where}>`;
      for (const key of FIELDS) log.info(place(key, value(key)), 'logged');
      const out = text();
      for (const key of FIELDS) expect(out).not.toContain(value(key));
      expect(out.match(/\[redacted\]/g)).toHaveLength(FIELDS.length);
      // the neighbours of a secret are still there
      if (where === 'one level (*.secret)') expect(out).toContain('"port":1883');
      if (where === 'in an array') expect(out).toContain('"username":"u2"');
    });
  }

  it('censors secrets in child bindings and in fields of a logged error', () => {
    const { log, text } = memoryLogger();
    log.child({ service: 'broker', adminToken: 'child-admin-token-1' }).info('started');
    const err = Object.assign(new Error('refused'), { password: 'error-password-1', code: 'E_AUTH' });
    log.error({ err }, 'connect failed');
    log.error(err);
    const out = text();
    expect(out).not.toContain('child-admin-token-1');
    expect(out).not.toContain('error-password-1');
    expect(out).toContain('"service":"broker"');
    // the error itself is still printed the usual way
    expect(out).toContain('"message":"refused"');
    expect(out).toContain('"code":"E_AUTH"');
    expect(out).toMatch(/"stack":"Error: refused/);
  });

  it('keeps fields that only say where a secret is, or whether there is one', () => {
    const { log, text } = memoryLogger();
    log.info({ passwordFile: 'state/console-admin-password', tokenPath: 'state/t', hasPassword: false });
    const line = JSON.parse(text());
    expect(line).toMatchObject({
      passwordFile: 'state/console-admin-password',
      tokenPath: 'state/t',
      hasPassword: false,
    });
  });

  it('masks credentials inside URLs in fields, messages, bindings and error messages', () => {
    const { log, text } = memoryLogger();
    log.info({ mqtt: 'mqtt://ingest:mqtt-pass-1@broker:1883' }, 'connecting');
    log.info({ config: { influx: { url: 'http://admin:influx-pass-2@127.0.0.1:8086' } } });
    log.info('writing to http://admin:influx-pass-3@127.0.0.1:8086/write?db=x');
    log.info('querying %s', 'http://127.0.0.1:8086/query?u=admin&p=influx-pass-4&db=x');
    log.child({ upstream: 'redis://:redis-pass-5@127.0.0.1:6379/0' }).info('cluster');
    log.error({ err: new Error('connect ECONNREFUSED mqtts://dev:tls-pass-6@host:8883') }, 'failed');
    log.info({ header: 'sent Authorization: Bearer bearer-token-7x' });
    log.info({ url: new URL('mqtt://u:url-object-pass-8@host:1883') });
    const out = text();
    for (let i = 1; i <= 8; i++) expect(out).not.toMatch(new RegExp(`pass-${i}|token-${i}`));
    expect(out).toContain('mqtt://ingest:***@broker:1883');
    expect(out).toContain('http://admin:***@127.0.0.1:8086');
    expect(out).toContain('u=admin&p=***&db=x');
    expect(out).toContain('redis://:***@127.0.0.1:6379/0');
    expect(out).toContain('Bearer ***');
    for (const line of out.trim().split('\n')) expect(() => JSON.parse(line)).not.toThrow();
  });

  it('leaves URLs without credentials and ordinary words as they are', () => {
    const { log, text } = memoryLogger();
    log.info({ url: 'mqtt://127.0.0.1:1883', mail: 'ops@depok.go.id' }, 'Basic authentication failed');
    const line = JSON.parse(text());
    expect(line).toMatchObject({
      url: 'mqtt://127.0.0.1:1883',
      mail: 'ops@depok.go.id',
      msg: 'Basic authentication failed',
    });
  });

  it('logs a self-referencing or very deep object without crashing', () => {
    const { log, text } = memoryLogger();
    const loop: Record<string, unknown> = { name: 'loop', secret: 'loop-secret-1' };
    loop.self = loop;
    let deep: Record<string, unknown> = { token: 'deep-token-1' };
    for (let i = 0; i < 50; i++) deep = { next: deep };
    log.info({ loop, deep }, 'odd objects');
    const out = text();
    expect(out).toContain('"name":"loop"');
    expect(out).not.toContain('loop-secret-1');
    expect(out).not.toContain('deep-token-1');
  });

  it('builds no line below the level (the hot path pays nothing)', () => {
    const { log, lines } = memoryLogger('info');
    let read = 0;
    const probe = {
      get password() {
        read++;
        return 'never-read';
      },
    };
    for (let i = 0; i < 1000; i++) log.debug({ probe }, 'hot path');
    expect(lines).toHaveLength(0);
    expect(read).toBe(0);
  });
});
