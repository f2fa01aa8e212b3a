import { retryDelayMs } from '../lib/backoff.ts';
import { type PointWriter, WriteError, WriteErrorKinds } from '../lib/influx/write-error.ts';
import type { Logger } from '../lib/log.ts';
import type { IngestMetrics } from './metrics.ts';
import { decodeEntry, type SpoolEntry } from './spool/entry.ts';
import type { Spool } from './spool/spool.ts';

export type DrainOptions = {
  maxLines: number;
  /** How long a partial batch may wait for more readings before it is written. */
  flushIntervalMs: number;
  retryBaseMs: number;
  retryMaxMs: number;
};

export type DrainEvents = {
  /** InfluxDB refused this reading for good: dead-letter it. */
  onPermanentFailure(entry: SpoolEntry, detail: string): void;
  onRetry(error: WriteError, attempt: number, delayMs: number): void;
};

/**
 * Drains the spool to InfluxDB in large batches, one write in flight. A retryable error retries the
 * same batch with backoff and jitter (honouring Retry-After); a permanent one bisects the batch until
 * the bad lines are isolated and dead-lettered, so one bad point never blocks the readings around it.
 * The spool checkpoint advances only after a batch is written.
 */
export class Drainer {
  readonly #spool: Spool;
  readonly #writer: PointWriter;
  readonly #options: DrainOptions;
  readonly #metrics: IngestMetrics;
  readonly #events: DrainEvents;
  readonly #log: Logger;
  #closed = false;
  #loop: Promise<void> | undefined;
  #sleep: { timer: NodeJS.Timeout; wake: () => void } | undefined;
  #idleWaiters: (() => void)[] = [];

  constructor(
    spool: Spool,
    writer: PointWriter,
    options: DrainOptions,
    metrics: IngestMetrics,
    events: DrainEvents,
    log: Logger,
  ) {
    this.#spool = spool;
    this.#writer = writer;
    this.#options = options;
    this.#metrics = metrics;
    this.#events = events;
    this.#log = log;
  }

  start(): void {
    this.#loop ??= this.#run().catch((err: Error) => this.#log.error({ err }, 'drain loop stopped'));
  }

  /** Resolves when the spool is empty (everything received so far is written or dead-lettered). */
  async idle(): Promise<void> {
    if (this.#spool.depth === 0) return;
    await new Promise<void>((resolve) => this.#idleWaiters.push(resolve));
  }

  /** Stops after the batch in flight (or at once while waiting to retry); the rest stays in the spool. */
  async close(): Promise<void> {
    this.#closed = true;
    this.#wakeSleep();
    this.#spool.wake();
    await this.#loop;
  }

  async #run(): Promise<void> {
    while (!this.#closed) {
      if (this.#spool.depth === 0) for (const wake of this.#idleWaiters.splice(0)) wake();
      await this.#spool.waitForData();
      if (this.#closed) break;
      // A partial batch waits a little for company: fewer, larger writes are what InfluxDB does best.
      if (this.#spool.depth < this.#options.maxLines) await this.#pause(this.#options.flushIntervalMs);
      if (this.#closed) break;
      const batch = this.#spool.read(this.#options.maxLines);
      if (!batch) continue;
      const entries = batch.payloads.map(decodeEntry);
      const written = await this.#writeWithRetry(entries);
      if (!written) {
        this.#spool.rewind();
        break;
      }
      this.#spool.commit(batch.end, entries.length);
    }
  }

  async #writeWithRetry(entries: SpoolEntry[]): Promise<boolean> {
    for (let attempt = 1; !this.#closed; attempt++) {
      try {
        await this.#writeSplitting(entries);
        return true;
      } catch (err) {
        const error =
          err instanceof WriteError ? err : new WriteError(WriteErrorKinds.retryable, String(err));
        const delay = retryDelayMs(attempt, {
          baseMs: this.#options.retryBaseMs,
          maxMs: this.#options.retryMaxMs,
          retryAfterMs: error.retryAfterMs,
        });
        this.#metrics.retries.inc();
        this.#events.onRetry(error, attempt, delay);
        // Unreachable (no answer at all): the backlog should drain as soon as InfluxDB is back, not when
        // a long backoff ends. An answer with a status (5xx, 429, 401) keeps its full delay.
        if (error.status === undefined) await this.#pauseUntilReachable(delay);
        else await this.#pause(delay);
      }
    }
    return false;
  }

  /** Writes the batch; on a permanent error, bisects. Retryable errors go up to the retry loop. */
  async #writeSplitting(entries: SpoolEntry[]): Promise<void> {
    const started = performance.now();
    try {
      await this.#writer.write(entries.map((e) => e.line));
      this.#metrics.writeSeconds.observe((performance.now() - started) / 1000);
      this.#metrics.batchSize.observe(entries.length);
      this.#metrics.stored.inc(entries.length);
    } catch (err) {
      const error = err instanceof WriteError ? err : undefined;
      this.#metrics.writeErrors.inc({ kind: error?.kind ?? WriteErrorKinds.retryable });
      if (error?.kind !== WriteErrorKinds.permanent) throw err;
      const [only] = entries;
      if (entries.length === 1 && only) {
        this.#events.onPermanentFailure(only, error.message);
        return;
      }
      const half = Math.ceil(entries.length / 2);
      await this.#writeSplitting(entries.slice(0, half));
      await this.#writeSplitting(entries.slice(half));
    }
  }

  /** Sleeps up to `ms`, cut short by the first successful ping (one a second). */
  async #pauseUntilReachable(ms: number): Promise<void> {
    const until = Date.now() + ms;
    while (!this.#closed) {
      const left = until - Date.now();
      if (left <= 0) return;
      await this.#pause(Math.min(1000, left));
      if (!this.#closed && Date.now() < until && (await this.#writer.ping())) return;
    }
  }

  #pause(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const wake = () => {
        this.#sleep = undefined;
        resolve();
      };
      this.#sleep = { timer: setTimeout(wake, ms), wake };
    });
  }

  #wakeSleep(): void {
    if (!this.#sleep) return;
    clearTimeout(this.#sleep.timer);
    this.#sleep.wake();
  }
}
