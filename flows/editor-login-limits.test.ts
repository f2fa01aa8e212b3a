import { describe, expect, it } from 'vitest';
import { ADDRESS_LIMIT, EditorLoginLimits, USERNAME_LIMIT } from './editor-login-limits.ts';

const T0 = 1_000_000;

function failFrom(limits: EditorLoginLimits, address: string, now: number, user = 'admin') {
  const attempt = limits.reserve(user, address, now);
  if (attempt.ok) attempt.fail();
  return attempt;
}

/** Fails once, as soon as the limits let the attempt through; returns when it failed. */
function failWhenAllowed(limits: EditorLoginLimits, address: string, now: number, user = 'admin'): number {
  const attempt = limits.reserve(user, address, now);
  if (attempt.ok) {
    attempt.fail();
    return now;
  }
  return failWhenAllowed(limits, address, now + attempt.retryAfterS * 1000, user);
}

describe('editor login limits', () => {
  it('an address gets 5 failures, then waits 30 s, then 60 s ...; other addresses are not held', () => {
    const limits = new EditorLoginLimits();
    for (let i = 0; i < 5; i++) expect(failFrom(limits, '10.0.0.1', T0 + i).ok).toBe(true);
    expect(limits.reserve('admin', '10.0.0.1', T0 + 10)).toEqual({
      ok: false,
      retryAfterS: 30,
      by: 'address',
    });
    expect(limits.reserve('admin', '10.0.0.2', T0 + 10).ok).toBe(true);
    expect(failFrom(limits, '10.0.0.1', T0 + 4 + 30_000).ok).toBe(true);
    const next = limits.reserve('admin', '10.0.0.1', T0 + 4 + 30_001);
    expect(next).toMatchObject({ ok: false, by: 'address' });
    expect(next.ok === false && next.retryAfterS).toBe(60);
  });

  it('the wait between tries is capped at 15 min and forgotten after an hour of quiet', () => {
    const limits = new EditorLoginLimits();
    let now = T0;
    for (let i = 0; i < 12; i++) now = failWhenAllowed(limits, '10.0.0.1', now, `user-${i}`) + 1;
    const held = limits.reserve('x', '10.0.0.1', now);
    expect(held.ok === false && held.retryAfterS).toBe(ADDRESS_LIMIT.maxMs / 1000);
    expect(limits.reserve('x', '10.0.0.1', now + ADDRESS_LIMIT.forgetMs).ok).toBe(true);
  });

  it('concurrent attempts count at once: 10 in flight from one address, 5 reach the check', () => {
    const limits = new EditorLoginLimits();
    const attempts = Array.from({ length: 10 }, () => limits.reserve('admin', '10.0.0.1', T0));
    expect(attempts.filter((a) => a.ok)).toHaveLength(5);
  });

  it('guessing spread over many addresses slows the user name down, except from a known address', () => {
    const limits = new EditorLoginLimits();
    const known = limits.reserve('admin', '10.9.9.9', T0);
    if (known.ok) known.succeed();
    for (let i = 0; i < USERNAME_LIMIT.free; i++)
      expect(failFrom(limits, `10.1.0.${i}`, T0 + i).ok).toBe(true);
    expect(limits.reserve('admin', '10.2.0.1', T0 + 100)).toEqual({
      ok: false,
      retryAfterS: 1,
      by: 'username',
    });
    expect(limits.reserve('other', '10.2.0.1', T0 + 100).ok).toBe(true);
    const fromKnown = limits.reserve('admin', '10.9.9.9', T0 + 100);
    expect(fromKnown.ok).toBe(true);
    // Its success clears the user name's failures: a new address may try at once.
    if (fromKnown.ok) fromKnown.succeed();
    expect(limits.reserve('admin', '10.2.0.1', T0 + 101).ok).toBe(true);
  });

  it('the user-name wait is capped at 1 min', () => {
    const limits = new EditorLoginLimits();
    let now = T0;
    for (let i = 0; i < 30; i++) now = failWhenAllowed(limits, `10.3.${i}.1`, now) + 1;
    const held = limits.reserve('admin', '10.4.0.1', now);
    expect(held.ok === false && held.retryAfterS).toBe(USERNAME_LIMIT.maxMs / 1000);
  });

  it('a released attempt (the check did not run) is given back; a settled attempt cannot be settled again', () => {
    const limits = new EditorLoginLimits();
    for (let i = 0; i < 4; i++) failFrom(limits, '10.0.0.1', T0);
    const fifth = limits.reserve('admin', '10.0.0.1', T0);
    expect(fifth.ok).toBe(true);
    if (fifth.ok) {
      fifth.release();
      fifth.release();
      fifth.succeed();
    }
    expect(failFrom(limits, '10.0.0.1', T0).ok).toBe(true);
    expect(limits.reserve('admin', '10.0.0.1', T0).ok).toBe(false);
  });

  it('holds at most maxKeys keys of each kind', () => {
    const limits = new EditorLoginLimits({ maxKeys: 100 });
    for (let i = 0; i < 1000; i++) {
      const attempt = limits.reserve(`user-${i}`, `10.0.${i >> 8}.${i & 255}`, T0 + i);
      if (attempt.ok) attempt.succeed();
    }
    expect(limits.size).toEqual({ addresses: 100, usernames: 0, known: 100 });
  });
});
