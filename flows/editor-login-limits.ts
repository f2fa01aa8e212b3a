/**
 * Failure limits for the Node-RED editor login, per client address and per user name (pure; the clock is
 * passed in). Node-RED's own limit counts every attempt per user name for everyone, so six wrong
 * passwords from anywhere locked `admin` out of the editor for 10 minutes, renewable forever
 * (issue 12, item 6). Here a wrong password costs its own address first:
 *
 * - an address gets `free` failures, then waits a delay that doubles up to `maxMs` between tries;
 * - a user name gets more failures in all (from every address), then waits a short, capped delay
 *   between tries, which bounds guessing spread over many addresses; an address that has logged in as
 *   that user before is exempt from it, so guessing elsewhere never locks the known admin out.
 *
 * An attempt is reserved before the password is checked, so concurrent guesses count at once. A correct
 * password clears the user name's failures, gives the address its attempt back and marks the address
 * as known for the user.
 */
import { FailureCounters, type LimitPolicy, settledOnce } from '../lib/failure-counters.ts';

export type { LimitPolicy };

/** One client address: 5 tries, then 30 s, 1 min, 2 min ... up to 15 min between tries. */
export const ADDRESS_LIMIT: LimitPolicy = {
  free: 5,
  baseMs: 30_000,
  maxMs: 15 * 60_000,
  forgetMs: 60 * 60_000,
};
/** One user name, all addresses together: 20 tries, then 1 s, 2 s ... up to 1 min between tries. */
export const USERNAME_LIMIT: LimitPolicy = { free: 20, baseMs: 1_000, maxMs: 60_000, forgetMs: 60 * 60_000 };
/** How long a successful login keeps its address known for the user. */
export const KNOWN_ADDRESS_MS = 30 * 24 * 3_600_000;

export type LoginAttempt =
  | { ok: true; fail(): void; succeed(): void; release(): void }
  | { ok: false; retryAfterS: number; by: 'address' | 'username' };

/** Delete then set: the Map's order becomes least recently used first, which is what goes first. */
function touch<V>(map: Map<string, V>, key: string, value: V, maxKeys: number): void {
  map.delete(key);
  map.set(key, value);
  for (const oldest of map.keys()) {
    if (map.size <= maxKeys) break;
    map.delete(oldest);
  }
}

export type EditorLoginLimitOptions = {
  address?: LimitPolicy;
  username?: LimitPolicy;
  knownAddressMs?: number;
  maxKeys?: number;
};

export class EditorLoginLimits {
  readonly #byAddress: FailureCounters;
  readonly #byUser: FailureCounters;
  readonly #known = new Map<string, number>();
  readonly #knownMs: number;
  readonly #maxKeys: number;

  constructor(options: EditorLoginLimitOptions = {}) {
    this.#maxKeys = options.maxKeys ?? 10_000;
    this.#byAddress = new FailureCounters(options.address ?? ADDRESS_LIMIT, this.#maxKeys);
    this.#byUser = new FailureCounters(options.username ?? USERNAME_LIMIT, this.#maxKeys);
    this.#knownMs = options.knownAddressMs ?? KNOWN_ADDRESS_MS;
  }

  /**
   * Reserves an attempt before the password is checked, or refuses it with the seconds to wait. The
   * caller reports the outcome once: fail() keeps the count, succeed() clears it for the user name,
   * release() takes it back (the check did not run).
   */
  reserve(username: string, address: string, now: number): LoginAttempt {
    const knownKey = `${username}\n${address}`;
    const knownAt = this.#known.get(knownKey);
    const known = knownAt !== undefined && now - knownAt < this.#knownMs;
    const addressWait = this.#byAddress.waitMs(address, now);
    const userWait = known ? 0 : this.#byUser.waitMs(username, now);
    if (addressWait > 0 || userWait > 0) {
      return {
        ok: false,
        retryAfterS: Math.max(1, Math.ceil(Math.max(addressWait, userWait) / 1000)),
        by: addressWait >= userWait ? 'address' : 'username',
      };
    }
    this.#byAddress.add(address, now);
    this.#byUser.add(username, now);
    return settledOnce({
      succeed: () => {
        this.#byUser.clear(username);
        this.#byAddress.takeBack(address);
        touch(this.#known, knownKey, now, this.#maxKeys);
      },
      release: () => {
        this.#byUser.takeBack(username);
        this.#byAddress.takeBack(address);
      },
    });
  }

  /** Keys held (tests, and a bound on memory). */
  get size(): { addresses: number; usernames: number; known: number } {
    return { addresses: this.#byAddress.size, usernames: this.#byUser.size, known: this.#known.size };
  }
}
