import type { Logger } from '../lib/log.ts';

export type Refusal = { reason: string; clientId?: string; username?: string };

type Window = { first: Refusal; count: number; reasons: Record<string, number> };

export type RefusalLogOptions = {
  /** One summary line per address per window. */
  windowMs?: number;
  /** Addresses told apart per window; refusals from more are summed into one line. */
  maxAddresses?: number;
};

/**
 * Refused CONNECTs, logged at a bounded rate: a guessing run of thousands of CONNECTs a second must not
 * turn into as many log lines (one review measured 20,500 lines in 3 s). The first refusal from an
 * address in a window is logged at once, as it comes; the rest are counted by reason and logged as one
 * line per address when the window ends. So at most 2 lines per address per window, plus one for the
 * addresses past `maxAddresses`. The metrics count every refusal.
 */
export class RefusalLog {
  readonly #log: Logger;
  readonly #windowMs: number;
  readonly #maxAddresses: number;
  #windows = new Map<string, Window>();
  #overflow = 0;
  #timer: NodeJS.Timeout | undefined;

  constructor(log: Logger, options: RefusalLogOptions = {}) {
    this.#log = log;
    this.#windowMs = options.windowMs ?? 60_000;
    this.#maxAddresses = options.maxAddresses ?? 1000;
  }

  /** Notes a refusal; returns how many came from this address in the window (Infinity past maxAddresses). */
  refused(address: string, refusal: Refusal): number {
    this.#timer ??= setTimeout(() => this.flush(), this.#windowMs).unref();
    const window = this.#windows.get(address);
    if (window) {
      window.count += 1;
      window.reasons[refusal.reason] = (window.reasons[refusal.reason] ?? 0) + 1;
      return window.count + 1;
    }
    if (this.#windows.size >= this.#maxAddresses) {
      this.#overflow += 1;
      return Number.POSITIVE_INFINITY;
    }
    this.#windows.set(address, { first: refusal, count: 0, reasons: {} });
    this.#log.info({ address, ...refusal }, 'connect refused');
    return 1;
  }

  /** Writes the summaries of the window so far and starts a new one. */
  flush(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const seconds = this.#windowMs / 1000;
    for (const [address, window] of this.#windows)
      if (window.count > 0)
        this.#log.info(
          // A string, not an object keyed by reason: the log's redaction would censor a key like bad_secret.
          { address, refused: window.count, reasons: describe(window.reasons), windowSeconds: seconds },
          'connect refused again from this address (aggregated)',
        );
    if (this.#overflow > 0)
      this.#log.warn(
        { refused: this.#overflow, addresses: `more than ${this.#maxAddresses}`, windowSeconds: seconds },
        'connect refused from many addresses (aggregated)',
      );
    this.#windows = new Map();
    this.#overflow = 0;
  }
}

const describe = (reasons: Record<string, number>) =>
  Object.entries(reasons)
    .map(([reason, n]) => `${reason} ${n}`)
    .join(', ');
