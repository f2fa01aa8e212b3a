import { rm } from 'node:fs/promises';
import { launch } from '../lib/process/launcher.ts';

export type LocalServer = { pid: number; output(): string; stop(): Promise<void> };

export type LocalServerOptions = {
  /** For messages: "mosquitto exited during start-up with code 3". */
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
 * A Debian server binary (Mosquitto, redis-server, VictoriaMetrics) for tests and benchmarks: started
 * by the launcher (a start fails at once if it exits, with the end of its output), stopped with SIGTERM
 * (SIGKILL after 10 s) and its folder removed. A failed start removes the folder too.
 */
export async function startLocalServer(options: LocalServerOptions): Promise<LocalServer> {
  const removeDir = () => rm(options.dir, { recursive: true, force: true });
  const server = await launch({
    name: options.name,
    command: options.command,
    args: options.args,
    ready: options.ready,
    readyTimeoutMs: options.timeoutMs,
  }).catch(async (err: unknown) => {
    await removeDir();
    throw err;
  });
  return {
    pid: server.pid,
    output: server.output,
    async stop() {
      await server.stop();
      await removeDir();
    },
  };
}
