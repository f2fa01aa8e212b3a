import { HttpError, InfluxDB } from '@influxdata/influxdb-client';
import {
  classifyStatus,
  type PointWriter,
  parseRetryAfter,
  WriteError,
  WriteErrorKinds,
} from './write-error.ts';

export type V2Target = {
  url: string;
  org: string;
  bucket: string;
  token: string;
  timeoutMs: number;
};

/**
 * InfluxDB 2.x `/api/v2/write` through the official client. The client's own batching and retry are
 * switched off: its background flush only logs failures and drops the points (docs/ARCHITECTURE.md, known traps),
 * whereas we need every failure classified and the batch kept.
 */
export function createV2Writer(target: V2Target): PointWriter {
  const influx = new InfluxDB({ url: target.url, token: target.token, timeout: target.timeoutMs });
  return {
    async write(lines) {
      if (lines.length === 0) return;
      const api = influx.getWriteApi(target.org, target.bucket, 'ms', {
        batchSize: lines.length + 1,
        flushInterval: 0,
        maxRetries: 0,
        maxBufferLines: lines.length + 1,
        // Returning a rejected promise makes flush() reject with this error instead of retrying.
        writeFailed: (error) => Promise.reject(error),
      });
      api.writeRecords(lines as string[]);
      try {
        await api.close();
      } catch (err) {
        if (err instanceof HttpError) {
          // The client's own retryAfter() is whole seconds and ignores HTTP dates: read the header instead.
          const header = err.headers?.['retry-after'];
          throw new WriteError(
            classifyStatus(err.statusCode),
            `influx answered ${err.statusCode}: ${(err.body ?? '').slice(0, 500)}`,
            err.statusCode,
            parseRetryAfter(Array.isArray(header) ? header[0] : header),
          );
        }
        throw new WriteError(WriteErrorKinds.retryable, `influx unreachable: ${(err as Error).message}`);
      }
    },
    async ping() {
      try {
        const res = await fetch(`${target.url.replace(/\/$/, '')}/health`, {
          signal: AbortSignal.timeout(2000),
        });
        await res.body?.cancel();
        return res.ok;
      } catch {
        return false;
      }
    },
    async close() {},
  };
}
