import { retryDelayMs } from './core/backoff.ts';
import { LineProtocolError } from './core/line-protocol.ts';
import type { Reading } from './core/reading.ts';
import { readingToLine } from './core/to-point.ts';
import { type PointWriter, WriteError, WriteErrorKinds } from './influx/write-error.ts';
import type { IngestMetrics } from './metrics.ts';

export type BatcherOptions = {
  maxLines: number;
  flushIntervalMs: number;
  maxQueued: number;
  retryBaseMs?: number;
  retryMaxMs?: number;
};

export type BatcherEvents = {
  /** A reading InfluxDB refused for good (or that cannot be written as a line): dead-letter it. */
  onPermanentFailure(reading: Reading, detail: string): void;
  onRetry(error: WriteError, attempt: number, delayMs: number): void;
};

type Entry = { reading: Reading; line: string };

/**
 * Collects readings and writes them in large batches, one write in flight. Retryable errors retry the
 * same batch with backoff; a permanent error splits the batch in halves until the bad lines are
 * isolated, so one bad point never blocks the readings around it.
 */
export class Batcher {
  #queue: Entry[] = [];
  #timer: NodeJS.Timeout | undefined;
  #flushing: Promise<void> | undefined;
  #closed = false;
  #spaceWaiters: (() => void)[] = [];
  #idleWaiters: (() => void)[] = [];
  #sleep: { timer: NodeJS.Timeout; wake: () => void } | undefined;
  readonly #writer: PointWriter;
  readonly #options: Required<BatcherOptions>;
  readonly #metrics: IngestMetrics;
  readonly #events: BatcherEvents;

  constructor(writer: PointWriter, options: BatcherOptions, metrics: IngestMetrics, events: BatcherEvents) {
    this.#writer = writer;
    this.#options = { retryBaseMs: 250, retryMaxMs: 30_000, ...options };
    this.#metrics = metrics;
    this.#events = events;
  }

  get depth(): number {
    return this.#queue.length;
  }

  /** Queues readings; resolves once there is room again (the caller holds its PUBACK until then). */
  async add(readings: readonly Reading[]): Promise<void> {
    for (const reading of readings) {
      let line: string;
      try {
        line = readingToLine(reading);
      } catch (err) {
        if (!(err instanceof LineProtocolError)) throw err;
        this.#events.onPermanentFailure(reading, err.message);
        continue;
      }
      this.#queue.push({ reading, line });
    }
    this.#metrics.queued.set(this.#queue.length);
    if (this.#queue.length >= this.#options.maxLines) this.#kick();
    else this.#timer ??= setTimeout(() => this.#kick(), this.#options.flushIntervalMs);
    if (this.#queue.length >= this.#options.maxQueued) {
      await new Promise<void>((resolve) => this.#spaceWaiters.push(resolve));
    }
  }

  /** Resolves when everything queued so far has been written (or dead-lettered). */
  async drain(): Promise<void> {
    if (this.#queue.length === 0 && !this.#flushing) return;
    this.#kick();
    await new Promise<void>((resolve) => this.#idleWaiters.push(resolve));
  }

  /** Stops retrying; what is still queued stays unwritten (the broker redelivers unacknowledged ones). */
  async close(timeoutMs = 5000): Promise<void> {
    const drained = this.drain();
    await Promise.race([drained, new Promise((r) => setTimeout(r, timeoutMs))]);
    this.#closed = true;
    clearTimeout(this.#timer);
    if (this.#sleep) {
      clearTimeout(this.#sleep.timer);
      this.#sleep.wake();
    }
    await this.#flushing;
  }

  #kick(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#flushing || this.#closed) return;
    this.#flushing = this.#flushLoop().finally(() => {
      this.#flushing = undefined;
      if (this.#queue.length === 0) for (const wake of this.#idleWaiters.splice(0)) wake();
      else if (!this.#closed) this.#timer ??= setTimeout(() => this.#kick(), this.#options.flushIntervalMs);
    });
  }

  async #flushLoop(): Promise<void> {
    while (this.#queue.length > 0 && !this.#closed) {
      const batch = this.#queue.slice(0, this.#options.maxLines);
      await this.#writeWithRetry(batch);
      this.#queue.splice(0, batch.length);
      this.#metrics.queued.set(this.#queue.length);
      if (this.#queue.length < this.#options.maxQueued)
        for (const wake of this.#spaceWaiters.splice(0)) wake();
    }
  }

  async #writeWithRetry(batch: Entry[]): Promise<void> {
    for (let attempt = 1; !this.#closed; attempt++) {
      try {
        await this.#writeSplitting(batch);
        return;
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
        await new Promise<void>((resolve) => {
          this.#sleep = { timer: setTimeout(resolve, delay), wake: resolve };
        });
        this.#sleep = undefined;
      }
    }
    throw new Error('batcher closed with an unwritten batch');
  }

  /** Writes `batch`; on a permanent error, bisects. Retryable errors propagate to the retry loop. */
  async #writeSplitting(batch: Entry[]): Promise<void> {
    const started = performance.now();
    try {
      await this.#writer.write(batch.map((e) => e.line));
      this.#metrics.writeSeconds.observe((performance.now() - started) / 1000);
      this.#metrics.batchSize.observe(batch.length);
      this.#metrics.stored.inc(batch.length);
    } catch (err) {
      const error = err instanceof WriteError ? err : undefined;
      this.#metrics.writeErrors.inc({ kind: error?.kind ?? WriteErrorKinds.retryable });
      if (error?.kind !== WriteErrorKinds.permanent) throw err;
      if (batch.length === 1 && batch[0]) {
        this.#events.onPermanentFailure(batch[0].reading, error.message);
        return;
      }
      const half = Math.ceil(batch.length / 2);
      await this.#writeSplitting(batch.slice(0, half));
      await this.#writeSplitting(batch.slice(half));
    }
  }
}
