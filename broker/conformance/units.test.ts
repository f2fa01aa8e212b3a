import { describe, expect, it } from 'vitest';
import { serverClientId } from './client-id.ts';
import { grantedQos } from './delivery.ts';
import { stringProblem } from './strings.ts';

describe('grantedQos: the highest QoS among the matching subscriptions', () => {
  const subs = { 'a/#': { qos: 2 }, 'a/+': { qos: 1 }, 'a/b': { qos: 0 }, '+/c': { qos: 1 } };
  it('takes the maximum of every filter that matches, literal or wildcard', () => {
    expect(grantedQos(subs, 'a/b')).toBe(2);
    expect(grantedQos({ 'a/+': { qos: 1 }, 'a/b': { qos: 0 } }, 'a/b')).toBe(1);
    expect(grantedQos({ 'a/#': { qos: 0 }, '+/c': { qos: 1 } }, 'a/c')).toBe(1);
    expect(grantedQos({ 'a/#': { qos: 0 } }, 'a/c/d')).toBe(0);
  });
  it('undefined when nothing matches ($ topics never match a leading wildcard)', () => {
    expect(grantedQos(subs, 'b/b')).toBeUndefined();
    expect(grantedQos({ '#': { qos: 1 } }, '$SYS/x')).toBeUndefined();
  });
});

describe('stringProblem: [MQTT-1.5.3-1] and [MQTT-1.5.3-2]', () => {
  const check = (bytes: number[]) => {
    const raw = Buffer.from(bytes);
    return stringProblem(raw.toString('utf8'), () => raw);
  };
  it('refuses U+0000 and ill-formed UTF-8', () => {
    expect(check([0x61, 0x00])).toBe('null_character');
    expect(check([0xc3, 0x28])).toBe('malformed_utf8'); // a lead byte without its continuation
    expect(check([0x80])).toBe('malformed_utf8'); // a lone continuation byte
    expect(check([0xed, 0xa0, 0x80])).toBe('malformed_utf8'); // U+D800, a surrogate
    expect(check([0xc0, 0x80])).toBe('malformed_utf8'); // an overlong U+0000
    expect(check([0xf4, 0x90, 0x80, 0x80])).toBe('malformed_utf8'); // above U+10FFFF
  });
  it('accepts well-formed text, U+FFFD itself included, and never reads the bytes it need not', () => {
    expect(check([...Buffer.from('sensors/air_quality/aq-beji-01')])).toBeUndefined();
    expect(check([...Buffer.from('kota/\uFFFD/Depok ✓ 𝄞')])).toBeUndefined();
    expect(
      stringProblem('plain', () => expect.fail('read the bytes of a string without U+FFFD')),
    ).toBeUndefined();
  });
});

describe('serverClientId [MQTT-3.1.3-6]', () => {
  it('is the account name and a random suffix, within the 128 characters the broker allows', () => {
    const a = serverClientId('aq-beji-01');
    expect(a).toMatch(/^aq-beji-01:[A-Za-z0-9_-]{12}$/);
    expect(serverClientId('aq-beji-01')).not.toBe(a);
    expect(serverClientId('a'.repeat(64)).length).toBeLessThanOrEqual(128);
  });
});
