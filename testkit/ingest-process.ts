import { type ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { freePort, nodeBinary, waitFor } from '../lib/process/ports.ts';

export type IngestProcess = {
  httpPort: number;
  /** Prometheus text of the running worker. */
  metrics(): Promise<string>;
  kill(signal?: NodeJS.Signals): Promise<void>;
};

const MAIN = resolve(import.meta.dirname, '../ingest/main.ts');

/** Runs ingest/main.ts as its own process (fault tests kill it with SIGKILL). */
export async function startIngestProcess(env: Record<string, string>): Promise<IngestProcess> {
  const httpPort = await freePort();
  const child: ChildProcess = spawn(nodeBinary(), [MAIN], {
    env: { ...process.env, LOG_LEVEL: 'warn', ...env, INGEST_HTTP_PORT: String(httpPort) },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const base = `http://127.0.0.1:${httpPort}`;
  await waitFor(
    async () => {
      if (child.exitCode !== null) throw new Error(`ingest exited: ${stderr}`);
      return (await fetch(`${base}/readyz`)).status === 200;
    },
    20_000,
    'ingest process ready',
  ).catch((err: Error) => {
    child.kill('SIGKILL');
    throw new Error(`${err.message}\n${stderr}`);
  });
  return {
    httpPort,
    metrics: async () => (await fetch(`${base}/metrics`)).text(),
    kill: (signal = 'SIGKILL') =>
      new Promise<void>((done) => {
        if (child.exitCode !== null || child.signalCode !== null) return done();
        child.once('exit', () => done());
        child.kill(signal);
      }),
  };
}

/** Reads one sample from Prometheus text: `name{labels} value`. */
export function metricValue(text: string, name: string, labels = ''): number {
  const line = text.split('\n').find((l) => l.startsWith(labels ? `${name}{${labels}}` : `${name} `));
  return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : 0;
}
