/**
 * Login failure limits per user name and per client address (pure; the clock is passed in).
 *
 * An attempt is reserved before the password is checked: concurrent attempts count at once, so a burst
 * of N wrong passwords cannot all pass the check while the first scrypt runs (issue 12, item 4: 120
 * concurrent guesses all reached scrypt). The first `free` attempts of a key go through; each one after
 * waits a delay that doubles from `baseMs` up to `maxMs`. A key is forgotten `forgetMs` after its last
 * attempt. A correct password clears the user name's counter and gives the address its attempt back.
 */
import { FailureCounters, type LimitPolicy, settledOnce } from '../../lib/failure-counters.ts';

export type { LimitPolicy };

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

export class LoginLimiter {
  readonly #byUser: FailureCounters;
  readonly #byAddress: FailureCounters;

  constructor(options: { username?: LimitPolicy; address?: LimitPolicy; maxKeys?: number } = {}) {
    const maxKeys = options.maxKeys ?? 50_000;
    this.#byUser = new FailureCounters(options.username ?? USERNAME_LIMIT, maxKeys);
    this.#byAddress = new FailureCounters(options.address ?? ADDRESS_LIMIT, maxKeys);
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
    this.#byUser.add(username, now);
    this.#byAddress.add(address, now);
    return settledOnce({
      succeed: () => {
        this.#byUser.clear(username);
        this.#byAddress.takeBack(address);
      },
      release: () => {
        this.#byUser.takeBack(username);
        this.#byAddress.takeBack(address);
      },
    });
  }

  /** Keys held (tests, and a bound on memory). */
  get size(): { usernames: number; addresses: number } {
    return { usernames: this.#byUser.size, addresses: this.#byAddress.size };
  }
}
