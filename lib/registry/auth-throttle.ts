import { addressKey } from '../address-key.ts';

/**
 * Failure limits for secret checks, consulted before scrypt runs (pure; the clock is passed in).
 * Each key (a source address, an account) may fail `free` times; after that it is blocked for
 * `baseBlockMs`, doubled with each further failure up to `maxBlockMs`, and while blocked no check is
 * admitted, so it costs no scrypt. Attempts refused while blocked are not failures: a device retrying
 * with a stale secret cannot extend its own block forever, it gets one check each time a block ends.
 * In-flight checks count as failures until they settle, so 64 concurrent CONNECTs from one address
 * get `free` checks at once, not 64: the others wait for those to settle and are then admitted (they
 * succeeded: a fleet behind one NAT address reconnecting at once only queues) or refused (they failed
 * and the key is blocked). Past the free allowance only one check at a time is admitted.
 */
export type FailurePolicy = {
  free: number;
  baseBlockMs: number;
  maxBlockMs: number;
  /** A key with no failure for this long is forgotten. */
  forgetMs: number;
  /** A success clears the key's failures (an account proved by its secret; not an address). */
  resetOnSuccess: boolean;
  /** Keys held at most: a spray of source addresses cannot grow the map without bound. */
  maxKeys: number;
};

type Entry = { failures: number; inFlight: number; blockedUntil: number; lastFailure: number };

export type Outcome = 'failed' | 'succeeded' | 'neutral';
export type Admission = 'admitted' | 'blocked' | 'wait';

export class FailureLimiter {
  readonly #policy: FailurePolicy;
  // Insertion order is the order of last failure (an entry is re-inserted when it fails): the stale
  // ones are at the front, so forgetting them is a walk from the start that stops at the first fresh one.
  readonly #entries = new Map<string, Entry>();
  readonly #waiters = new Map<string, (() => void)[]>();

  constructor(policy: FailurePolicy) {
    this.#policy = policy;
  }

  get size(): number {
    return this.#entries.size;
  }

  /**
   * Reserves a check for `key` ('admitted'), or 'blocked', or 'wait': checks in flight use up what is
   * left of the allowance; ask again once settled() resolves.
   */
  admit(key: string, now: number): Admission {
    this.#forget(now);
    const entry = this.#entries.get(key);
    if (!entry) {
      if (this.#policy.free <= 0) return 'blocked';
      this.#entries.set(key, { failures: 0, inFlight: 1, blockedUntil: 0, lastFailure: now });
      return 'admitted';
    }
    if (now < entry.blockedUntil) return 'blocked';
    if (entry.failures + entry.inFlight >= this.#policy.free && entry.inFlight > 0) return 'wait';
    entry.inFlight += 1;
    return 'admitted';
  }

  /** Resolves when a check in flight for `key` settles (at once when none is). */
  settled(key: string): Promise<void> {
    if (!this.#entries.get(key)?.inFlight) return Promise.resolve();
    return new Promise((resolve) => {
      const waiting = this.#waiters.get(key);
      if (waiting) waiting.push(resolve);
      else this.#waiters.set(key, [resolve]);
    });
  }

  /** Ends a check that admit() reserved. */
  settle(key: string, outcome: Outcome, now: number): void {
    const entry = this.#entries.get(key);
    if (!entry) return;
    entry.inFlight = Math.max(0, entry.inFlight - 1);
    if (outcome === 'failed') {
      entry.failures += 1;
      entry.lastFailure = now;
      const over = entry.failures - this.#policy.free;
      if (over >= 0)
        entry.blockedUntil = now + Math.min(this.#policy.maxBlockMs, this.#policy.baseBlockMs * 2 ** over);
      this.#entries.delete(key);
      this.#entries.set(key, entry);
    } else if (outcome === 'succeeded' && this.#policy.resetOnSuccess) {
      entry.failures = 0;
      entry.blockedUntil = 0;
    }
    if (entry.failures === 0 && entry.inFlight === 0) this.#entries.delete(key);
    const waiting = this.#waiters.get(key);
    this.#waiters.delete(key);
    for (const wake of waiting ?? []) wake();
  }

  /** Whether `key` is blocked now (for tests and metrics; admit() is what counts). */
  blocked(key: string, now: number): boolean {
    return now < (this.#entries.get(key)?.blockedUntil ?? 0);
  }

  /** Failures remembered for `key`. */
  failures(key: string): number {
    return this.#entries.get(key)?.failures ?? 0;
  }

  #forget(now: number): void {
    for (const [key, entry] of this.#entries) {
      const stale = now - entry.lastFailure > this.#policy.forgetMs && now >= entry.blockedUntil;
      const crowded = this.#entries.size > this.#policy.maxKeys;
      if (!stale && !crowded) break;
      if (entry.inFlight === 0) this.#entries.delete(key);
      else if (!crowded) break;
    }
  }
}

export type ThrottleSettings = {
  failuresPerAddress: number;
  failuresPerAccount: number;
  maxBackoffMs: number;
  /** Checks per second, over all, where the address or the account has failed recently. */
  suspectChecksPerSecond: number;
};

/** A token bucket (pure; the clock is passed in). */
class Bucket {
  #tokens: number;
  #last = 0;
  readonly #rate: number;
  readonly #burst: number;

  constructor(perSecond: number, burst: number) {
    this.#rate = perSecond;
    this.#burst = Math.max(1, burst);
    this.#tokens = this.#burst;
  }

  level(now: number): number {
    this.#tokens = Math.min(this.#burst, this.#tokens + ((now - this.#last) * this.#rate) / 1000);
    this.#last = now;
    return this.#tokens;
  }

  take(now: number): boolean {
    if (this.level(now) < 1) return false;
    this.#tokens -= 1;
    return true;
  }
}

/**
 * Failures over all keys past which a flood is on: this many within about 10 s. While it is, every
 * check the cache cannot answer is held to the shared budget, fresh address and account or not. It is
 * over once failures have slowed enough for the count to recover half of it (hysteresis: the budget's
 * own failures would otherwise end and restart it every second, letting a fresh key through each time).
 */
const FLOOD_FAILURES = 20;

/** A reserved check: settle it once with what the check found. */
export type Ticket = { settle(outcome: Outcome): void };

/**
 * Per-address and per-account failure limits together: a check is admitted only when both admit it,
 * so one address cannot guess many accounts and many addresses cannot guess one account.
 */
export class AuthThrottle {
  readonly #addresses: FailureLimiter;
  readonly #accounts: FailureLimiter;
  /**
   * Shared by every check whose address or account has failed before, and by every check while a flood
   * is on. Guessers spread over many addresses and accounts would otherwise get each key's allowance:
   * with it, what a flood costs in scrypt is about FLOOD_FAILURES plus this rate, not the pool's
   * capacity. Without a flood, a fresh address or account (a fleet after a restart) is not held to it.
   */
  readonly #suspects: Bucket;
  /** Drained by each failure, refilled over 10 s: empty means a flood is on. */
  readonly #failures = new Bucket(FLOOD_FAILURES / 10, FLOOD_FAILURES);
  #flood = false;
  readonly #now: () => number;

  constructor(settings: ThrottleSettings, now: () => number = Date.now) {
    const common = { baseBlockMs: 1000, maxBlockMs: settings.maxBackoffMs, maxKeys: 100_000 };
    // Forgotten after a quiet spell of 10 maximal blocks: a patient guesser stays at the maximum.
    const forgetMs = 10 * settings.maxBackoffMs;
    this.#addresses = new FailureLimiter({
      ...common,
      forgetMs,
      free: settings.failuresPerAddress,
      resetOnSuccess: false,
    });
    this.#accounts = new FailureLimiter({
      ...common,
      forgetMs,
      free: settings.failuresPerAccount,
      resetOnSuccess: true,
    });
    this.#suspects = new Bucket(settings.suspectChecksPerSecond, settings.suspectChecksPerSecond * 5);
    this.#now = now;
  }

  /**
   * A ticket once both limits admit a check (waiting, if need be, for checks in flight of the same
   * address or account) and, when either has failed before or a flood is on, the shared budget has
   * room; or which refused it.
   */
  async admit(address: string, account: string): Promise<Ticket | 'address' | 'account' | 'suspect'> {
    const from = addressKey(address);
    for (;;) {
      const now = this.#now();
      const byAddress = this.#addresses.admit(from, now);
      if (byAddress === 'blocked') return 'address';
      if (byAddress === 'wait') {
        await this.#addresses.settled(from);
        continue;
      }
      const byAccount = this.#accounts.admit(account, now);
      if (byAccount === 'admitted') break;
      this.#addresses.settle(from, 'neutral', now);
      if (byAccount === 'blocked') return 'account';
      await this.#accounts.settled(account);
    }
    const now = this.#now();
    if (this.#flood && this.#failures.level(now) >= FLOOD_FAILURES / 2) this.#flood = false;
    const suspect = this.#flood || this.#addresses.failures(from) > 0 || this.#accounts.failures(account) > 0;
    if (suspect && !this.#suspects.take(now)) {
      this.#addresses.settle(from, 'neutral', now);
      this.#accounts.settle(account, 'neutral', now);
      return 'suspect';
    }
    let settled = false;
    return {
      settle: (outcome) => {
        if (settled) return;
        settled = true;
        const at = this.#now();
        if (outcome === 'failed' && !this.#failures.take(at)) this.#flood = true;
        this.#addresses.settle(from, outcome, at);
        this.#accounts.settle(account, outcome, at);
      },
    };
  }
}
