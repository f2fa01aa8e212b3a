import { retryDelayMs } from '../../lib/backoff.ts';
import { createV1Writer } from '../../lib/influx/v1-writer.ts';
import { createV2Writer } from '../../lib/influx/v2-writer.ts';
import { type PointWriter, WriteError, WriteErrorKinds } from '../../lib/influx/write-error.ts';
import { InfluxNodeConfigSchema, parseNodeConfig } from '../node-config.ts';
import type { NodeInstance, NodeRedApi } from './red-types.ts';

const MAX_QUEUED = 100_000;
const FLUSH_MS = 200;

/**
 * `depok-influx`: writes line-protocol lines (msg.payload: string[]) with the ingest's writers.
 * Alert transitions and ISPU values are few, so one writer with a short flush interval is enough;
 * retryable errors retry with backoff, a permanent error splits the batch so one bad line is dropped alone.
 */
export default function register(RED: NodeRedApi) {
  RED.nodes.registerType('depok-influx', function (this: NodeInstance, props: Record<string, unknown>) {
    RED.nodes.createNode(this, props);
    let writer: PointWriter;
    try {
      const config = parseNodeConfig(InfluxNodeConfigSchema, {
        ...props,
        version: Number(props.version || 1),
      });
      writer =
        config.version === 1
          ? createV1Writer({ ...config, timeoutMs: 10_000 })
          : createV2Writer({ ...config, timeoutMs: 10_000 });
    } catch (err) {
      this.error(`depok-influx not started: ${(err as Error).message}`);
      this.status({ fill: 'red', shape: 'ring', text: 'invalid config' });
      return;
    }
    const queue: string[] = [];
    let attempt = 0;
    let closed = false;
    let timer: NodeJS.Timeout | undefined;
    let flushing: Promise<void> | undefined;

    const writeSplitting = async (lines: string[]): Promise<void> => {
      try {
        await writer.write(lines);
      } catch (err) {
        if (!(err instanceof WriteError) || err.kind !== WriteErrorKinds.permanent) throw err;
        if (lines.length === 1) {
          this.error(`influx refused a line, dropped: ${err.message}: ${lines[0]}`);
          return;
        }
        const half = Math.ceil(lines.length / 2);
        await writeSplitting(lines.slice(0, half));
        await writeSplitting(lines.slice(half));
      }
    };

    const startFlush = () => {
      flushing = flush();
    };
    const flush = async () => {
      timer = undefined;
      if (queue.length === 0) return;
      const batch = queue.slice(0, 5000);
      try {
        await writeSplitting(batch);
        queue.splice(0, batch.length);
        attempt = 0;
        this.status({ fill: 'green', shape: 'dot', text: 'writing' });
      } catch (err) {
        attempt++;
        const e = err as WriteError;
        this.warn(`influx write failed (attempt ${attempt}): ${e.message}`);
        this.status({ fill: 'yellow', shape: 'ring', text: `retrying (${queue.length} queued)` });
        if (!closed)
          timer = setTimeout(
            startFlush,
            retryDelayMs(attempt, { baseMs: 500, maxMs: 30_000, retryAfterMs: e.retryAfterMs }),
          );
        return;
      }
      if (queue.length > 0 && !closed) schedule();
    };
    const schedule = () => {
      timer ??= setTimeout(startFlush, FLUSH_MS);
    };

    this.on('input', (msg, _send, done) => {
      const lines = Array.isArray(msg.payload)
        ? msg.payload.filter((l): l is string => typeof l === 'string')
        : [];
      queue.push(...lines);
      if (queue.length > MAX_QUEUED) {
        const dropped = queue.splice(0, queue.length - MAX_QUEUED);
        this.error(`influx queue full: dropped the ${dropped.length} oldest lines`);
      }
      schedule();
      done();
    });

    this.on('close', (_removed, done) => {
      closed = true;
      if (timer) clearTimeout(timer);
      // One last attempt so transitions just before a stop still reach InfluxDB.
      Promise.resolve(flushing)
        .then(() => (queue.length > 0 ? writer.write(queue.splice(0)) : undefined))
        .catch((err: Error) => this.warn(`influx lines lost at stop: ${err.message}`))
        .finally(() => void writer.close().finally(done));
    });
  });
}
