import { mkdtemp } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { startIngestProcess } from '../../../testkit/ingest-process.ts';
import { type Ctx, onCrash } from './context.ts';
import { NODE_ARGS } from './settings.ts';

export type Ingest = { pid: number; metrics(): Promise<string>; stop(): Promise<void> };

/** ingest/main.ts without the validity stage: what the stage costs is the difference (ingest.bench.ts). */
const NO_VALIDITY_MAIN = resolve(import.meta.dirname, 'ingest-no-validity-main.ts');

/** ingest/main.ts as its own process with deployment defaults, as deployed: its own core, its own RSS. */
export async function startIngestChild(
  ctx: Ctx,
  mqttUrl: string,
  db: string,
  password?: string,
  validity = true,
): Promise<Ingest> {
  const env: Record<string, string> = {
    LOG_LEVEL: 'warn',
    MQTT_URL: mqttUrl,
    INFLUX_URL: ctx.influx.url,
    INFLUX_DATABASE: db,
    INGEST_SPOOL_DIR: await mkdtemp(join(ctx.work, 'spool-')),
    REGISTRY_PATH: ctx.registry.path,
  };
  if (password) env.MQTT_PASSWORD = password;
  // The launcher fails the start at once, with the child's output, if the worker exits while starting.
  const child = await startIngestProcess(env, {
    nodeArgs: NODE_ARGS,
    echo: Boolean(process.env.BENCH_INGEST_STDOUT),
    script: validity ? undefined : NO_VALIDITY_MAIN,
  });
  const kill = () => void child.kill('SIGKILL');
  onCrash.add(kill);
  return {
    pid: child.pid,
    metrics: child.metrics,
    stop: async () => {
      onCrash.delete(kill);
      await child.stop();
    },
  };
}
