import { describe, expect, it } from 'vitest';
import { addressKey as clientKey } from '../../lib/address-key.ts';
import { ClientRateLimiter } from './rate-limit.ts';

describe('clientKey', () => {
  it('keeps IPv4, unmaps IPv4-mapped IPv6, and cuts IPv6 to its /64', () => {
    expect(clientKey('192.0.2.1')).toBe('192.0.2.1');
    expect(clientKey('::ffff:192.0.2.1')).toBe('192.0.2.1');
    expect(clientKey('2001:db8:a:b:1:2:3:4')).toBe('2001:db8:a:b::/64');
    expect(clientKey('2001:0db8:000a:000b::9')).toBe('2001:db8:a:b::/64');
    expect(clientKey('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(clientKey('::1')).toBe('0:0:0:0::/64');
    expect(clientKey('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
  });
});

describe('ClientRateLimiter', () => {
  it('lets a burst through, then the rate, and says how long to wait', () => {
    const limiter = new ClientRateLimiter({ perMinute: 60, burst: 3 });
    expect([0, 0, 0].map(() => limiter.take('a', 0))).toEqual([0, 0, 0]);
    expect(limiter.take('a', 0)).toBe(1);
    expect(limiter.take('b', 0)).toBe(0);
    expect(limiter.take('a', 999)).toBe(1);
    expect(limiter.take('a', 1000)).toBe(0);
  });

  it('keeps its memory bounded', () => {
    const limiter = new ClientRateLimiter({ perMinute: 60, burst: 1, maxClients: 100 });
    for (let i = 0; i < 1000; i++) limiter.take(`10.0.${i >> 8}.${i & 255}`, i);
    expect(limiter.clients).toBeLessThanOrEqual(100);
  });
});
