import { type ChildProcess, spawn } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { waitFor } from '../lib/process/ports.ts';

export type LocalServer = { stop(): Promise<void> };

export type LocalServerOptions = {
  /** For messages: "mosquitto did not start (...)". */
  name: string;
  command: string;
  args: readonly string[];
  /** The server's temporary folder (made by the caller, who writes its config there): removed on stop. */
  dir: string;
  /** Asked until it says yes: the server answers on its port. */
  ready: () => Promise<boolean>;
  timeoutMs: number;
};

/**
 * A Debian server binary (Mosquitto, redis-server, VictoriaMetrics) for tests and benchmarks: started,
 * waited for, stopped with SIGTERM and its folder removed. A failed start kills it, removes the folder
 * and throws with the end of its output.
 */
export async function startLocalServer(options: LocalServerOptions): Promise<LocalServer> {
  const child: ChildProcess = spawn(options.command, [...options.args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (d: Buffer) => {
    output = (output + d.toString()).slice(-2000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  child.once('error', () => {});
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const removeDir = () => rm(options.dir, { recursive: true, force: true });
  try {
    await waitFor(
      async () => {
        if (child.exitCode !== null) throw new Error('exited');
        return options.ready();
      },
      options.timeoutMs,
      `${options.name} ready`,
    );
  } catch (err) {
    child.kill('SIGKILL');
    await removeDir();
    throw new Error(`${options.name} did not start (${(err as Error).message}): ${output}`);
  }
  return {
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
      await removeDir();
    },
  };
}
