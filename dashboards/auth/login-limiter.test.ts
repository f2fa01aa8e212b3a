import { describe, expect, it } from 'vitest';
import { ConcurrencyGate } from './gate.ts';
import { LoginLimiter } from './login-limiter.ts';

const policy = { free: 2, baseMs: 1_000, maxMs: 4_000, forgetMs: 60_000 };

describe('login limiter (pure)', () => {
  it('caps the delay, forgets a quiet key, and gives a released attempt back', () => {
    const limiter = new LoginLimiter({ username: policy, address: { ...policy, free: 1_000 } });
    let now = 0;
    const failOnce = () => {
      const attempt = limiter.reserve('siti', 'a', now);
      if (attempt.ok) attempt.fail();
      return attempt;
    };
    failOnce();
    failOnce();
    const waits: number[] = [];
    for (let i = 0; i < 4; i++) {
      const refused = limiter.reserve('siti', 'a', now);
      expect(refused.ok).toBe(false);
      if (!refused.ok) waits.push(refused.retryAfterS);
      now += (refused.ok ? 0 : refused.retryAfterS) * 1000;
      expect(failOnce().ok).toBe(true);
    }
    expect(waits).toEqual([1, 2, 4, 4]);
    now += 60_000;
    const fresh = limiter.reserve('siti', 'a', now);
    expect(fresh.ok).toBe(true);
    if (fresh.ok) fresh.release();
    expect(limiter.reserve('siti', 'a', now).ok).toBe(true);
  });

  it('holds at most maxKeys names however many are guessed', () => {
    const limiter = new LoginLimiter({ maxKeys: 100 });
    for (let i = 0; i < 1_000; i++) {
      const attempt = limiter.reserve(`guess${i}`, `10.0.${i >> 8}.${i & 255}`, i);
      if (attempt.ok) attempt.fail();
    }
    expect(limiter.size.usernames).toBeLessThanOrEqual(100);
    expect(limiter.size.addresses).toBeLessThanOrEqual(100);
  });

  it('gate: queues up to its limit, then answers busy; a failing task frees its slot', async () => {
    const gate = new ConcurrencyGate(1, 1);
    let release: () => void = () => {};
    const first = gate.run(() => new Promise<void>((r) => (release = r)));
    const second = gate.run(async () => 'queued');
    expect(await gate.run(async () => 'third')).toEqual({ busy: true });
    release();
    expect(await first).toEqual({ busy: false, value: undefined });
    expect(await second).toEqual({ busy: false, value: 'queued' });
    await expect(gate.run(async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(gate.active).toBe(0);
  });
});
