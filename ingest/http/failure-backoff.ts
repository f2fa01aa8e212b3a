/**
 * How failed secret checks are held back, per key: `failuresBeforeBackoff` failures are free, then each
 * failure blocks the key for `baseMs` x 2^(failures over), at most `maxMs`. A key with no failure for
 * `forgetMs` starts afresh; at most `maxKeys` keys are remembered (the least recently failed go first).
 */
export type BackoffPolicy = {
  failuresBeforeBackoff: number;
  baseMs: number;
  maxMs: number;
  forgetMs: number;
  maxKeys: number;
};

type Entry = { failures: number; last: number; blockedUntil: number };

/** Failure counts with exponential backoff (pure; the clock is passed in). */
export class FailureBackoff {
  readonly #policy: BackoffPolicy;
  readonly #entries = new Map<string, Entry>();

  constructor(policy: BackoffPolicy) {
    this.#policy = policy;
  }

  /** Milliseconds the key must still wait before its next attempt (0: it may try now). */
  waitMs(key: string, now: number): number {
    const entry = this.#live(key, now);
    return entry ? Math.max(0, entry.blockedUntil - now) : 0;
  }

  fail(key: string, now: number): void {
    const entry = this.#live(key, now) ?? { failures: 0, last: now, blockedUntil: 0 };
    entry.failures += 1;
    entry.last = now;
    const over = entry.failures - this.#policy.failuresBeforeBackoff;
    if (over >= 0) entry.blockedUntil = now + Math.min(this.#policy.maxMs, this.#policy.baseMs * 2 ** over);
    // Re-inserted so the Map's order is least recently failed first: that one is forgotten when full.
    this.#entries.delete(key);
    this.#entries.set(key, entry);
    if (this.#entries.size > this.#policy.maxKeys) {
      const oldest = this.#entries.keys().next().value;
      if (oldest !== undefined) this.#entries.delete(oldest);
    }
  }

  forget(key: string): void {
    this.#entries.delete(key);
  }

  #live(key: string, now: number): Entry | undefined {
    const entry = this.#entries.get(key);
    if (entry && now - entry.last > this.#policy.forgetMs) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry;
  }
}
