import { type ChildProcess, type SpawnOptions, spawn } from 'node:child_process';

const owned = new Set<ChildProcess>();
let exitHookInstalled = false;

/**
 * Spawns a helper process (influxd, Node-RED) that this process stops itself, in order. It gets its
 * own process group, so a terminal's Ctrl-C reaches only us: otherwise influxd would die at once,
 * before the ingest had written what it holds. If we exit without stopping it, it is killed then.
 */
export function spawnOwned(command: string, args: readonly string[], options: SpawnOptions): ChildProcess {
  const proc = spawn(command, args, { ...options, detached: true });
  owned.add(proc);
  proc.once('exit', () => owned.delete(proc));
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once('exit', () => {
      for (const child of owned) child.kill('SIGKILL');
    });
  }
  return proc;
}
