import { type ChildProcess, spawn } from 'node:child_process';
import { connect } from 'node:net';
import { resolve } from 'node:path';
import { freePort, waitFor } from '../lib/process/ports.ts';

export type BrokerProcess = {
  port: number;
  /** The broker's Prometheus metrics, parsed: name{labels} -> value. */
  metrics(): Promise<Map<string, number>>;
  stop(): Promise<void>;
};

const root = resolve(import.meta.dirname, '..');

function listening(port: number): Promise<boolean> {
  return new Promise((done) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      done(true);
    });
    socket.once('error', () => done(false));
  });
}

/**
 * Our broker (broker/main.ts) as a child process on a free loopback port: in its own process it gets
 * its own core, as in a deployment, and the load generator cannot steal its event loop.
 */
export async function startBrokerProcess(
  registryPath: string,
  env: Record<string, string> = {},
): Promise<BrokerProcess> {
  const port = await freePort();
  const httpPort = await freePort();
  const child: ChildProcess = spawn(process.execPath, [resolve(root, 'broker/main.ts')], {
    cwd: root,
    env: {
      ...process.env,
      LOG_LEVEL: 'warn',
      REGISTRY_PATH: registryPath,
      BROKER_HOST: '127.0.0.1',
      BROKER_PORT: String(port),
      BROKER_HTTP_HOST: '127.0.0.1',
      BROKER_HTTP_PORT: String(httpPort),
      BROKER_WATCH_REGISTRY: 'false',
      ...env,
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  let exited = false;
  child.once('exit', () => {
    exited = true;
  });
  await waitFor(
    async () => {
      if (exited) throw new Error('broker process exited');
      return listening(port);
    },
    30_000,
    'the broker process to listen',
  );
  if (exited) throw new Error('broker process exited during start-up');
  return {
    port,
    async metrics() {
      const text = await (await fetch(`http://127.0.0.1:${httpPort}/metrics`)).text();
      const out = new Map<string, number>();
      for (const line of text.split('\n')) {
        const m = /^([a-z_]+(?:\{[^}]*\})?) ([0-9.e+-]+)$/.exec(line);
        if (m?.[1] && m[2]) out.set(m[1], Number(m[2]));
      }
      return out;
    },
    async stop() {
      if (exited) return;
      const gone = new Promise<void>((r) => child.once('exit', () => r()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await gone;
      clearTimeout(timer);
    },
  };
}
