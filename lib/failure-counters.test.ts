import { describe, expect, it } from 'vitest';
import { FailureCounters } from './failure-counters.ts';

// The counters behind the console's and the Node-RED editor's login limits and the HTTP ingest's
// per-address and per-id backoff.
describe('FailureCounters', () => {
  const policy = { free: 2, baseMs: 100, maxMs: 300, forgetMs: 10_000 };

  it('blocks after the free failures, doubling up to the cap, and forgets a quiet key', () => {
    const counters = new FailureCounters(policy, 2);
    counters.add('a', 0);
    expect(counters.waitMs('a', 0)).toBe(0);
    counters.add('a', 0);
    expect(counters.waitMs('a', 0)).toBe(100);
    expect(counters.waitMs('a', 60)).toBe(40);
    counters.add('a', 100);
    expect(counters.waitMs('a', 100)).toBe(200);
    counters.add('a', 300);
    counters.add('a', 300);
    expect(counters.waitMs('a', 300)).toBe(300);
    expect(counters.waitMs('a', 10_301)).toBe(0);
    expect(counters.size).toBe(0);
  });

  it('remembers at most maxKeys keys, dropping the least recently counted', () => {
    const counters = new FailureCounters(policy, 2);
    for (const key of ['a', 'b', 'a', 'c']) {
      counters.add(key, 0);
      counters.add(key, 0);
    }
    expect([counters.waitMs('a', 0), counters.waitMs('b', 0), counters.waitMs('c', 0)]).toEqual([
      300, 0, 100,
    ]);
  });

  it('takes an attempt back, and clears a key', () => {
    const counters = new FailureCounters(policy, 2);
    counters.add('a', 0);
    counters.add('a', 0);
    counters.takeBack('a');
    expect(counters.waitMs('a', 0)).toBe(0);
    counters.add('a', 0);
    counters.clear('a');
    expect(counters.waitMs('a', 0)).toBe(0);
  });
});
