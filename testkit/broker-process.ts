import { resolve } from 'node:path';
import { type Launched, launch } from '../lib/process/launcher.ts';
import { freePort, nodeBinary } from '../lib/process/ports.ts';
import { parsePrometheusText } from './prometheus-text.ts';

export type BrokerProcess = {
  port: number;
  httpPort: number;
  url: string;
  /** The broker's Prometheus metrics, parsed: `name{labels}` -> value. */
  metrics(): Promise<Map<string, number>>;
  /** The end of the running (or last) process's output. */
  output(): string;
  /** SIGKILL by default, for fault tests; `start()` brings it back on the same ports, registry and data dir. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  start(): Promise<void>;
  /** SIGTERM (a clean close); SIGKILL if it hangs past 10 s, so a test's cleanup always finishes. */
  stop(): Promise<void>;
};

export type BrokerProcessOptions = {
  /** Copy the broker's output to ours (a benchmark that shows its warnings). */
  echo?: boolean;
};

const ROOT = resolve(import.meta.dirname, '..');
const MAIN = resolve(ROOT, 'broker/main.ts');

/**
 * Runs broker/main.ts as its own process on fixed loopback ports (chosen once, kept across restarts, so
 * clients reconnect to the same address): in its own process it gets its own core, as deployed, and a
 * load generator cannot steal its event loop. `env` holds the BROKER_* settings (README
 * "Configuration"), REGISTRY_PATH among them.
 */
export async function startBrokerProcess(
  env: Record<string, string>,
  options: BrokerProcessOptions = {},
): Promise<BrokerProcess> {
  const port = Number(env.BROKER_PORT ?? (await freePort()));
  const httpPort = Number(env.BROKER_HTTP_PORT ?? (await freePort()));
  const health = `http://127.0.0.1:${httpPort}`;
  let child: Launched | undefined;
  let last: Launched | undefined;

  const start = async () => {
    child = await launch({
      name: 'broker process',
      command: nodeBinary(),
      args: [MAIN],
      cwd: ROOT,
      env: {
        ...process.env,
        LOG_LEVEL: 'warn',
        BROKER_HTTP_HOST: '127.0.0.1',
        ...env,
        BROKER_HOST: '127.0.0.1',
        BROKER_PORT: String(port),
        BROKER_HTTP_PORT: String(httpPort),
      },
      // /healthz answers once the MQTT listeners are bound (the HTTP server starts after them).
      ready: async () => (await fetch(`${health}/healthz`)).status === 200,
      // A registry of 10,000 devices takes a while to load on a busy machine.
      readyTimeoutMs: 30_000,
      stopTimeoutMs: 10_000,
      echo: options.echo,
    });
    last = child;
  };

  /** Sends the signal before the first await: a benchmark's 'exit' handler calls kill(). */
  const kill = async (signal: NodeJS.Signals = 'SIGKILL') => {
    const proc = child;
    child = undefined;
    await proc?.stop(signal);
  };

  await start();
  return {
    port,
    httpPort,
    url: `mqtt://127.0.0.1:${port}`,
    metrics: async () => parsePrometheusText(await (await fetch(`${health}/metrics`)).text()),
    output: () => last?.output() ?? '',
    kill,
    start,
    stop: () => kill('SIGTERM'),
  };
}
