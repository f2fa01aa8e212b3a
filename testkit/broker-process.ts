import { type ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { freePort, nodeBinary, waitFor } from '../lib/process/ports.ts';

export type BrokerProcess = {
  port: number;
  httpPort: number;
  url: string;
  /** SIGKILL by default, for fault tests; `start()` brings it back on the same ports, registry and data dir. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  start(): Promise<void>;
  /** SIGTERM (a clean close). */
  stop(): Promise<void>;
};

const MAIN = resolve(import.meta.dirname, '../broker/main.ts');

/**
 * Runs broker/main.ts as its own process on fixed loopback ports (chosen once, kept across restarts, so
 * clients reconnect to the same address). `env` holds the BROKER_* settings (README "Configuration").
 */
export async function startBrokerProcess(env: Record<string, string>): Promise<BrokerProcess> {
  const port = Number(env.BROKER_PORT ?? (await freePort()));
  const httpPort = Number(env.BROKER_HTTP_PORT ?? (await freePort()));
  let child: ChildProcess | undefined;
  let stderr = '';

  const start = async () => {
    stderr = '';
    const proc = spawn(nodeBinary(), [MAIN], {
      env: {
        ...process.env,
        LOG_LEVEL: 'warn',
        ...env,
        BROKER_HOST: '127.0.0.1',
        BROKER_PORT: String(port),
        BROKER_HTTP_PORT: String(httpPort),
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    child = proc;
    proc.stderr?.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-4000);
    });
    // /healthz answers once the MQTT listeners are bound (the HTTP server starts after them).
    await waitFor(
      async () => {
        if (proc.exitCode !== null || proc.signalCode !== null) throw new Error('exited');
        return (await fetch(`http://127.0.0.1:${httpPort}/healthz`)).status === 200;
      },
      20_000,
      'broker process ready',
    ).catch((err: Error) => {
      proc.kill('SIGKILL');
      throw new Error(`${err.message}\n${stderr}`);
    });
  };

  const kill = (signal: NodeJS.Signals = 'SIGKILL') =>
    new Promise<void>((done) => {
      const proc = child;
      child = undefined;
      if (!proc || proc.exitCode !== null || proc.signalCode !== null) return done();
      // A clean close that hangs past 10 s ends with SIGKILL, so a test's cleanup always finishes.
      const force = setTimeout(() => proc.kill('SIGKILL'), 10_000);
      proc.once('exit', () => {
        clearTimeout(force);
        done();
      });
      proc.kill(signal);
    });

  await start();
  return { port, httpPort, url: `mqtt://127.0.0.1:${port}`, kill, start, stop: () => kill('SIGTERM') };
}
