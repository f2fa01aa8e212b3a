/**
 * Login failure limits per user name and per client address (pure; the clock is passed in).
 *
 * An attempt is reserved before the password is checked: concurrent attempts count at once, so a burst
 * of N wrong passwords cannot all pass the check while the first scrypt runs (issue 12, item 4: 120
 * concurrent guesses all reached scrypt). The first `free` attempts of a key go through; each one after
 * waits a delay that doubles from `baseMs` up to `maxMs`. A key is forgotten `forgetMs` after its last
 * attempt. A correct password clears the user name's counter and gives the address its attempt back.
 */
export type LimitPolicy = { free: number; baseMs: number; maxMs: number; forgetMs: number };

/** One user name: 5 free tries, then 1 s, 2 s, 4 s ... up to 5 min between tries. */
export const USERNAME_LIMIT: LimitPolicy = {
  free: 5,
  baseMs: 1_000,
  maxMs: 5 * 60_000,
  forgetMs: 15 * 60_000,
};
/**
 * One client address: generous (several users may share an office NAT), so it only stops one address
 * spraying guesses across many user names: 100 free failures, then up to 30 s between tries.
 */
export const ADDRESS_LIMIT: LimitPolicy = { free: 100, baseMs: 1_000, maxMs: 30_000, forgetMs: 15 * 60_000 };

export type LoginAttempt =
  | { ok: true; fail(): void; succeed(): void; release(): void }
  | { ok: false; retryAfterS: number; by: 'username' | 'address' };

export type LoginLimitOptions = { username?: LimitPolicy; address?: LimitPolicy; maxKeys?: number };

type Entry = { count: number; lastAt: number; nextAt: number };

/** Counters for one kind of key, at most `maxKeys` of them (the oldest is forgotten first). */
class Counters {
  readonly #entries = new Map<string, Entry>();
  readonly #policy: LimitPolicy;
  readonly #maxKeys: number;

  constructor(policy: LimitPolicy, maxKeys: number) {
    this.#policy = policy;
    this.#maxKeys = maxKeys;
  }

  /** Milliseconds until `key` may try again; 0 when it may now. */
  waitMs(key: string, now: number): number {
    const entry = this.#live(key, now);
    if (!entry || entry.count < this.#policy.free) return 0;
    return Math.max(0, entry.nextAt - now);
  }

  reserve(key: string, now: number): void {
    const entry = this.#live(key, now) ?? { count: 0, lastAt: now, nextAt: now };
    entry.count += 1;
    entry.lastAt = now;
    const over = entry.count - this.#policy.free;
    const delay = over < 0 ? 0 : Math.min(this.#policy.maxMs, this.#policy.baseMs * 2 ** Math.min(over, 30));
    entry.nextAt = now + delay;
    // Delete then set: Map order becomes least recently used first, which is what eviction drops.
    this.#entries.delete(key);
    this.#entries.set(key, entry);
    if (this.#entries.size > this.#maxKeys) this.#evict(now);
  }

  release(key: string): void {
    const entry = this.#entries.get(key);
    if (entry) entry.count = Math.max(0, entry.count - 1);
  }

  clear(key: string): void {
    this.#entries.delete(key);
  }

  get size(): number {
    return this.#entries.size;
  }

  #live(key: string, now: number): Entry | undefined {
    const entry = this.#entries.get(key);
    if (entry && now - entry.lastAt >= this.#policy.forgetMs) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry;
  }

  #evict(now: number): void {
    for (const [key, e] of this.#entries)
      if (now - e.lastAt >= this.#policy.forgetMs) this.#entries.delete(key);
    for (const key of this.#entries.keys()) {
      if (this.#entries.size <= this.#maxKeys) break;
      this.#entries.delete(key);
    }
  }
}

export class LoginLimiter {
  readonly #byUser: Counters;
  readonly #byAddress: Counters;

  constructor(options: { username?: LimitPolicy; address?: LimitPolicy; maxKeys?: number } = {}) {
    const maxKeys = options.maxKeys ?? 50_000;
    this.#byUser = new Counters(options.username ?? USERNAME_LIMIT, maxKeys);
    this.#byAddress = new Counters(options.address ?? ADDRESS_LIMIT, maxKeys);
  }

  /**
   * Counts an attempt before the password is checked, or refuses it with the seconds to wait. The caller
   * reports the outcome exactly once: fail() keeps the count, succeed() clears the user name's counter,
   * release() takes the attempt back (the check did not run, e.g. the verifier was busy).
   */
  reserve(username: string, address: string, now: number): LoginAttempt {
    const userWait = this.#byUser.waitMs(username, now);
    const addressWait = this.#byAddress.waitMs(address, now);
    if (userWait > 0 || addressWait > 0) {
      return {
        ok: false,
        retryAfterS: Math.max(1, Math.ceil(Math.max(userWait, addressWait) / 1000)),
        by: userWait >= addressWait ? 'username' : 'address',
      };
    }
    this.#byUser.reserve(username, now);
    this.#byAddress.reserve(address, now);
    let settled = false;
    const once = (action: () => void) => () => {
      if (settled) return;
      settled = true;
      action();
    };
    return {
      ok: true,
      fail: once(() => {}),
      succeed: once(() => {
        this.#byUser.clear(username);
        this.#byAddress.release(address);
      }),
      release: once(() => {
        this.#byUser.release(username);
        this.#byAddress.release(address);
      }),
    };
  }

  /** Keys held (tests, and a bound on memory). */
  get size(): { usernames: number; addresses: number } {
    return { usernames: this.#byUser.size, addresses: this.#byAddress.size };
  }
}
