/**
 * Per-device publish limiter (pure; the clock is passed in). A token bucket lets a device send a burst
 * (a backlog after an outage) and then `ratePerSecond`; messages over it are dropped. A device whose
 * dropped messages within one second exceed the rate again (it sends more than about twice the rate)
 * is flooding: the broker disconnects it so it cannot keep a core busy for everyone else.
 */
export type RateVerdict = 'accept' | 'drop' | 'disconnect';

export class PublishRateLimiter {
  #tokens: number;
  #last: number;
  #dropWindowStart = 0;
  #dropsInWindow = 0;
  readonly #rate: number;
  readonly #burst: number;

  constructor(ratePerSecond: number, burst: number, now: number) {
    this.#rate = ratePerSecond;
    this.#burst = Math.max(1, burst);
    this.#tokens = this.#burst;
    this.#last = now;
  }

  take(now: number): RateVerdict {
    const elapsed = Math.max(0, now - this.#last);
    this.#last = now;
    this.#tokens = Math.min(this.#burst, this.#tokens + (elapsed * this.#rate) / 1000);
    if (this.#tokens >= 1) {
      this.#tokens -= 1;
      return 'accept';
    }
    if (now - this.#dropWindowStart >= 1000) {
      this.#dropWindowStart = now;
      this.#dropsInWindow = 0;
    }
    this.#dropsInWindow += 1;
    return this.#dropsInWindow > this.#rate ? 'disconnect' : 'drop';
  }
}
