import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { freePort, nodeBinary, waitFor } from '../../lib/process/ports.ts';
import { type Ctx, onCrash } from './context.ts';
import { NODE_ARGS } from './settings.ts';

const MAIN = resolve(import.meta.dirname, '../main.ts');

export type Ingest = { pid: number; metrics(): Promise<string>; stop(): Promise<void> };

/** ingest/main.ts as its own process with deployment defaults, as deployed: its own core, its own RSS. */
export async function startIngestChild(
  ctx: Ctx,
  mqttUrl: string,
  db: string,
  password?: string,
): Promise<Ingest> {
  const httpPort = await freePort();
  const child: ChildProcess = spawn(nodeBinary(), [...NODE_ARGS, MAIN], {
    env: {
      ...process.env,
      LOG_LEVEL: 'warn',
      MQTT_URL: mqttUrl,
      MQTT_PASSWORD: password,
      INFLUX_URL: ctx.influx.url,
      INFLUX_DATABASE: db,
      INGEST_SPOOL_DIR: await mkdtemp(join(ctx.work, 'spool-')),
      INGEST_HTTP_PORT: String(httpPort),
      REGISTRY_PATH: ctx.registry.path,
    },
    stdio: ['ignore', process.env.BENCH_INGEST_STDOUT ? 'inherit' : 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  let stopping = false;
  const exited = new Promise<void>((r) =>
    child.once('exit', (code, signal) => {
      // A worker that dies mid-run would otherwise show only as missing metrics.
      if (!stopping) process.stderr.write(`ingest child exited (${code ?? signal}):\n${stderr}\n`);
      r();
    }),
  );
  const kill = () => child.kill('SIGKILL');
  onCrash.add(kill);
  const stop = async () => {
    stopping = true;
    onCrash.delete(kill);
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
    child.kill('SIGKILL');
  };
  const base = `http://127.0.0.1:${httpPort}`;
  try {
    await waitFor(
      async () => {
        if (child.exitCode !== null) throw new Error('exited');
        return (await fetch(`${base}/readyz`)).status === 200;
      },
      20_000,
      'ingest ready',
    );
  } catch (err) {
    await stop();
    throw new Error(`ingest did not start: ${(err as Error).message}\n${stderr}`);
  }
  return { pid: child.pid as number, metrics: async () => (await fetch(`${base}/metrics`)).text(), stop };
}
