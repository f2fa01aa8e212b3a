/**
 * Bounds how many password checks run at once. scrypt (N=2^15) runs on libuv's 4-thread pool, which
 * file and DNS work share; the console takes at most `concurrency` of those threads. Up to `queue` more
 * checks wait their turn (a few hundred milliseconds at most); beyond that run() answers `busy` at once
 * and the caller refuses the login with 503 instead of piling work up.
 */
export class ConcurrencyGate {
  readonly #concurrency: number;
  readonly #queueLimit: number;
  readonly #waiting: (() => void)[] = [];
  #active = 0;

  constructor(concurrency = 2, queue = 8) {
    this.#concurrency = Math.max(1, concurrency);
    this.#queueLimit = Math.max(0, queue);
  }

  async run<T>(task: () => Promise<T>): Promise<{ busy: true } | { busy: false; value: T }> {
    if (this.#active >= this.#concurrency) {
      if (this.#waiting.length >= this.#queueLimit) return { busy: true };
      // The finishing task hands its slot over (#active stays the same), so no newcomer can jump the queue.
      await new Promise<void>((resolve) => this.#waiting.push(resolve));
    } else {
      this.#active += 1;
    }
    try {
      return { busy: false, value: await task() };
    } finally {
      const next = this.#waiting.shift();
      if (next) next();
      else this.#active -= 1;
    }
  }

  get active(): number {
    return this.#active;
  }
}
