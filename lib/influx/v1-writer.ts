import {
  classifyStatus,
  type PointWriter,
  parseRetryAfter,
  WriteError,
  WriteErrorKinds,
} from './write-error.ts';

export type V1Target = {
  url: string;
  database: string;
  retentionPolicy?: string | undefined;
  username?: string | undefined;
  password?: string | undefined;
  timeoutMs: number;
};

/**
 * InfluxDB 1.x `/write` (also answered by InfluxDB 2.x/3.x v1-compatibility endpoints and
 * VictoriaMetrics). The official JS client only speaks `/api/v2/write`, so 1.x gets plain fetch.
 */
export function createV1Writer(target: V1Target): PointWriter {
  const params = new URLSearchParams({ db: target.database, precision: 'ms' });
  if (target.retentionPolicy) params.set('rp', target.retentionPolicy);
  const writeUrl = `${target.url.replace(/\/$/, '')}/write?${params}`;
  const headers: Record<string, string> = { 'content-type': 'text/plain; charset=utf-8' };
  if (target.username) {
    headers.authorization = `Basic ${Buffer.from(`${target.username}:${target.password ?? ''}`).toString('base64')}`;
  }
  return {
    async write(lines) {
      if (lines.length === 0) return;
      let res: Response;
      try {
        res = await fetch(writeUrl, {
          method: 'POST',
          headers,
          body: lines.join('\n'),
          signal: AbortSignal.timeout(target.timeoutMs),
        });
      } catch (err) {
        throw new WriteError(WriteErrorKinds.retryable, `influx unreachable: ${(err as Error).message}`);
      }
      if (res.status === 204 || res.status === 200) {
        await res.body?.cancel();
        return;
      }
      const body = (await res.text()).slice(0, 500);
      throw new WriteError(
        classifyStatus(res.status),
        `influx answered ${res.status}: ${body}`,
        res.status,
        parseRetryAfter(res.headers.get('retry-after')),
      );
    },
    async ping() {
      try {
        const res = await fetch(`${target.url.replace(/\/$/, '')}/ping`, {
          signal: AbortSignal.timeout(2000),
        });
        await res.body?.cancel();
        return res.status === 204 || res.status === 200;
      } catch {
        return false;
      }
    },
    async close() {},
  };
}
