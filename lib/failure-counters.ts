/**
 * Failure counters, shared by the console's and the Node-RED editor's login limits and the HTTP ingest's
 * backoff of failed secret checks (pure; the clock is passed in). A key (a user name, an address) gets
 * `free` attempts; each one after waits a delay that doubles from `baseMs` up to `maxMs`, counted from
 * its last attempt; a key is forgotten `forgetMs` after its last attempt. The login limits count an
 * attempt when it starts, so concurrent guesses count at once; the ingest counts a failed check.
 */
export type LimitPolicy = { free: number; baseMs: number; maxMs: number; forgetMs: number };

type Entry = { count: number; lastAt: number };

/** Counts for one kind of key, at most `maxKeys` of them (the expired, then the least recently used, go first). */
export class FailureCounters {
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
    const over = entry.count - this.#policy.free;
    const delay = Math.min(this.#policy.maxMs, this.#policy.baseMs * 2 ** Math.min(over, 30));
    return Math.max(0, entry.lastAt + delay - now);
  }

  /** Counts an attempt now. */
  add(key: string, now: number): void {
    const entry = this.#live(key, now) ?? { count: 0, lastAt: now };
    entry.count += 1;
    entry.lastAt = now;
    // Delete then set: Map order becomes least recently used first, which is what eviction drops.
    this.#entries.delete(key);
    this.#entries.set(key, entry);
    if (this.#entries.size > this.#maxKeys) this.#evict(now);
  }

  /** Takes an attempt back (its check did not run, or it succeeded and the key keeps no debt). */
  takeBack(key: string): void {
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

/** The outcome of a reserved attempt, reported once: a second report of either kind does nothing. */
export function settledOnce(actions: { succeed(): void; release(): void }) {
  let settled = false;
  const once = (action: () => void) => () => {
    if (settled) return;
    settled = true;
    action();
  };
  return {
    ok: true as const,
    fail: once(() => {}),
    succeed: once(actions.succeed),
    release: once(actions.release),
  };
}
