import { resolve } from 'node:path';
import { launch } from '../lib/process/launcher.ts';
import { freePort, nodeBinary } from '../lib/process/ports.ts';

export type IngestProcess = {
  pid: number;
  httpPort: number;
  /** Prometheus text of the running worker (read it with testkit/prometheus-text.ts). */
  metrics(): Promise<string>;
  /** The end of its output. */
  output(): string;
  /** SIGKILL by default (fault tests); sent before the first await, so an 'exit' handler can call it. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** SIGTERM, SIGKILL if it has not exited 10 s later. */
  stop(): Promise<void>;
};

export type IngestProcessOptions = {
  /** Node flags before the script, e.g. the heap cap `npm run ingest` uses. */
  nodeArgs?: readonly string[];
  /** Copy its output to ours. */
  echo?: boolean;
  /** Another entry point than ingest/main.ts (a benchmark's variant of the worker). */
  script?: string;
};

const MAIN = resolve(import.meta.dirname, '../ingest/main.ts');

/** Runs ingest/main.ts as its own process (fault tests kill it with SIGKILL; benchmarks measure its RSS). */
export async function startIngestProcess(
  env: Record<string, string>,
  options: IngestProcessOptions = {},
): Promise<IngestProcess> {
  const httpPort = await freePort();
  const base = `http://127.0.0.1:${httpPort}`;
  const child = await launch({
    name: 'ingest process',
    command: nodeBinary(),
    args: [...(options.nodeArgs ?? []), options.script ?? MAIN],
    env: { ...process.env, LOG_LEVEL: 'warn', ...env, INGEST_HTTP_PORT: String(httpPort) },
    ready: async () => (await fetch(`${base}/readyz`)).status === 200,
    readyTimeoutMs: 20_000,
    stopTimeoutMs: 10_000,
    echo: options.echo,
  });
  return {
    pid: child.pid,
    httpPort,
    metrics: async () => (await fetch(`${base}/metrics`)).text(),
    output: child.output,
    kill: async (signal = 'SIGKILL') => {
      await child.stop(signal);
    },
    stop: async () => {
      await child.stop();
    },
  };
}
