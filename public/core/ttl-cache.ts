/**
 * One value computed at most once per `ttlMs`: callers within the TTL share it, and callers while it
 * is being computed share the one computation (no stampede on InfluxDB when it expires under load).
 * A failed computation is not kept: the next caller tries again.
 */
export class TtlCache<T> {
  readonly #compute: () => Promise<T>;
  readonly #ttlMs: number;
  readonly #now: () => number;
  #value: { at: number; promise: Promise<T> } | undefined;

  constructor(compute: () => Promise<T>, ttlMs: number, now: () => number = Date.now) {
    this.#compute = compute;
    this.#ttlMs = ttlMs;
    this.#now = now;
  }

  get(): Promise<T> {
    const now = this.#now();
    if (this.#value && now - this.#value.at < this.#ttlMs) return this.#value.promise;
    const promise = this.#compute();
    const entry = { at: now, promise };
    this.#value = entry;
    promise.catch(() => {
      if (this.#value === entry) this.#value = undefined;
    });
    return promise;
  }
}
