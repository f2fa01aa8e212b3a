import { addressKey } from '../../lib/address-key.ts';

/**
 * Requests per client address: a token bucket each (a burst, then a steady rate), in memory. Checks
 * are synchronous, so parallel requests cannot both spend the last token. Addresses are counted as the
 * broker's login throttle counts them (lib/address-key.ts): IPv6 by its /64, so an address per request
 * costs a subscriber nothing; IPv4-mapped IPv6 as the IPv4 address.
 */
export class ClientRateLimiter {
  readonly #buckets = new Map<string, { tokens: number; last: number }>();
  readonly #ratePerMs: number;
  readonly #burst: number;
  readonly #maxClients: number;

  constructor(options: { perMinute: number; burst: number; maxClients?: number }) {
    this.#ratePerMs = options.perMinute / 60_000;
    this.#burst = Math.max(1, options.burst);
    this.#maxClients = options.maxClients ?? 100_000;
  }

  /** 0 when the request may go, else the seconds to wait before the next one would (Retry-After). */
  take(address: string, now: number): number {
    const key = addressKey(address);
    let bucket = this.#buckets.get(key);
    if (!bucket) {
      if (this.#buckets.size >= this.#maxClients) this.#evict(now);
      bucket = { tokens: this.#burst, last: now };
      this.#buckets.set(key, bucket);
    }
    bucket.tokens = Math.min(this.#burst, bucket.tokens + Math.max(0, now - bucket.last) * this.#ratePerMs);
    bucket.last = now;
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - bucket.tokens) / this.#ratePerMs / 1000));
  }

  get clients(): number {
    return this.#buckets.size;
  }

  /** Drops the buckets that have refilled (they hold no memory of anything); the oldest if none has. */
  #evict(now: number): void {
    const fullAfterMs = this.#burst / this.#ratePerMs;
    for (const [key, b] of this.#buckets) if (now - b.last >= fullAfterMs) this.#buckets.delete(key);
    if (this.#buckets.size >= this.#maxClients) {
      const oldest = this.#buckets.keys().next().value;
      if (oldest !== undefined) this.#buckets.delete(oldest);
    }
  }
}
