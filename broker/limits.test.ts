import { describe, expect, it } from 'vitest';
import { PublishRateLimiter } from '../lib/rate-limit.ts';
import { remainingLength } from '../testkit/broker.ts';
import { PacketSizeGuard } from './packet-size-guard.ts';

const packet = (bodyLength: number) =>
  Buffer.concat([Buffer.from([0x30]), remainingLength(bodyLength), Buffer.alloc(bodyLength)]);

describe('PacketSizeGuard', () => {
  it('passes packets up to the limit, split anywhere across chunks', () => {
    const bytes = Buffer.concat([packet(0), packet(127), packet(128), packet(1000), Buffer.from([0xc0, 0])]);
    for (const size of [1, 2, 3, 7, 64, bytes.length]) {
      const guard = new PacketSizeGuard(1000);
      for (let i = 0; i < bytes.length; i += size) expect(guard.feed(bytes.subarray(i, i + size))).toBe(true);
    }
  });
  it('refuses a packet over the limit from its header alone', () => {
    const guard = new PacketSizeGuard(1000);
    expect(guard.feed(Buffer.concat([Buffer.from([0x30]), remainingLength(100 * 1024 * 1024)]))).toBe(false);
    expect(new PacketSizeGuard(1000).feed(packet(1001).subarray(0, 3))).toBe(false);
  });
  it('refuses a Remaining Length longer than four bytes [MQTT-2.2.3]', () => {
    expect(new PacketSizeGuard(2 ** 30).feed(Buffer.from([0x30, 0x80, 0x80, 0x80, 0x80, 0x01]))).toBe(false);
  });
});

describe('PublishRateLimiter', () => {
  it('allows the burst, then the rate; drops the excess; disconnects past about twice the rate', () => {
    const limiter = new PublishRateLimiter(10, 20, 0);
    const verdicts = Array.from({ length: 20 }, () => limiter.take(0));
    expect(verdicts.every((v) => v === 'accept')).toBe(true);
    expect(limiter.take(0)).toBe('drop');
    expect(limiter.take(100)).toBe('accept'); // one token back after 100 ms at 10/s
    const flood = Array.from({ length: 10 }, () => limiter.take(100));
    expect(flood.slice(0, 9).every((v) => v === 'drop')).toBe(true);
    expect(flood[9]).toBe('disconnect');
  });
  it('never disconnects a device that keeps to the rate', () => {
    const limiter = new PublishRateLimiter(10, 10, 0);
    for (let t = 0; t < 60_000; t += 100) expect(limiter.take(t)).toBe('accept');
  });
});
