import { describe, expect, it } from 'vitest';
import { CENSOR, isSecretKey, maskCredentials, redactFields } from './redact.ts';

describe('redactFields', () => {
  it('returns the same object when nothing is secret, and never changes the original', () => {
    const clean = { kind: 'air_quality', values: { pm25: 35 }, list: [1, 'two'] };
    expect(redactFields(clean)).toBe(clean);
    const config = { mqtt: { url: 'mqtt://broker', password: 'p1' }, port: 1 };
    const out = redactFields(config);
    expect(out).toEqual({ mqtt: { url: 'mqtt://broker', password: CENSOR }, port: 1 });
    expect(config.mqtt.password).toBe('p1');
  });

  it('censors objects and numbers under a secret key, keeps booleans, null and undefined', () => {
    expect(
      redactFields({ secret: { hash: 'h', salt: 's' }, token: 123, password: null, apiToken: true }),
    ).toEqual({ secret: CENSOR, token: CENSOR, password: null, apiToken: true });
  });

  it('leaves dates, buffers and errors to their own printing', () => {
    const when = new Date(0);
    const bytes = Buffer.from('x');
    const err = new Error('e');
    const out = redactFields({ when, bytes, err });
    expect(out.when).toBe(when);
    expect(out.bytes).toBe(bytes);
    expect(out.err).toBe(err);
  });
});

describe('isSecretKey', () => {
  it.each([
    'password',
    'ackPassword',
    'passwordHash',
    'secret_hash',
    'credentialSecret',
    'INFLUX_TOKEN',
    'apiKey',
    'set-cookie',
    'credentials',
  ])('%s is secret', (key) => expect(isSecretKey(key)).toBe(true));
  it.each(['passwordFile', 'tokenPath', 'tokens', 'username', 'secretLength', 'station'])(
    '%s is not',
    (key) => expect(isSecretKey(key)).toBe(false),
  );
});

describe('maskCredentials', () => {
  it.each([
    ['mqtt://user:pass@host', 'mqtt://user:***@host'],
    ['mqtts://user:p@ss@host:8883/x', 'mqtts://user:***@host:8883/x'],
    ['http://admin:pw@127.0.0.1:8086', 'http://admin:***@127.0.0.1:8086'],
    ['redis://:pw@h:6379', 'redis://:***@h:6379'],
    ['/query?db=x&p=pw&u=admin', '/query?db=x&p=***&u=admin'],
    ['?access_token=abc', '?access_token=***'],
    ['Authorization: Basic ZGV2OnNlY3JldA==', 'Authorization: Basic ***'],
    ['Bearer dXNlcjpwYXNz', 'Bearer ***'],
  ])('%s -> %s', (input, masked) => expect(maskCredentials(input)).toBe(masked));

  it.each([
    'mqtt://127.0.0.1:1883',
    'http://host:8086/query?db=environment',
    'mail ops@depok.go.id at 10:30',
    'Basic authentication failed',
  ])('leaves %s alone', (text) => expect(maskCredentials(text)).toBe(text));
});
