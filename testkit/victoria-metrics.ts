import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../lib/process/ports.ts';
import { startLocalServer } from './local-server.ts';

export type LocalVictoriaMetrics = {
  url: string;
  /** Makes recent writes visible to queries at once (VictoriaMetrics buffers them for a second or so). */
  flush(): Promise<void>;
  /** Instant query (MetricsQL) -> the first sample's value, or undefined. */
  queryValue(query: string): Promise<number | undefined>;
  stop(): Promise<void>;
};

/**
 * Debian's VictoriaMetrics single-node on a free loopback port: a real server for the
 * `/api/v2/write` path of the official InfluxDB client when no InfluxDB 2.x is at hand.
 */
export async function startLocalVictoriaMetrics(): Promise<LocalVictoriaMetrics> {
  const dir = await mkdtemp(join(tmpdir(), 'victoria-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const server = await startLocalServer({
    name: 'victoria-metrics',
    command: 'victoria-metrics',
    args: [
      `-storageDataPath=${dir}`,
      `-httpListenAddr=127.0.0.1:${port}`,
      '-retentionPeriod=100y',
      '-search.latencyOffset=0s',
      '-search.disableCache',
      '-loggerLevel=ERROR',
    ],
    dir,
    ready: async () => (await fetch(`${url}/health`)).ok,
    timeoutMs: 20_000,
  });
  return {
    url,
    async flush() {
      await (await fetch(`${url}/internal/force_flush`)).text();
    },
    async queryValue(query) {
      const res = await fetch(`${url}/api/v1/query?${new URLSearchParams({ query })}`);
      const body = (await res.json()) as { data?: { result?: { value?: [number, string] }[] } };
      const value = body.data?.result?.[0]?.value?.[1];
      return value === undefined ? undefined : Number(value);
    },
    stop: server.stop,
  };
}
