import type { ChildProcess } from 'node:child_process';

type Owned = { child: ChildProcess; group: boolean };

const owned = new Set<Owned>();
let exitHookInstalled = false;

/**
 * Sends `signal` to a child, or to its whole process group when it has one of its own (`detached`),
 * so what the child spawned gets it too. A child that is already gone is not an error.
 */
export function signalChild(child: ChildProcess, signal: NodeJS.Signals, group: boolean): void {
  if (child.pid === undefined) return;
  try {
    if (group) process.kill(-child.pid, signal);
    else child.kill(signal);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
  }
}

/**
 * Records a child this process stops itself. If we exit without stopping it (a crash, a test worker
 * that ends), it is killed then: a child in a process group of its own would otherwise outlive us,
 * since a terminal's Ctrl-C reaches only our group (which is why influxd and Node-RED get their own:
 * they are stopped in order, influxd last, after the ingest has written what it holds).
 */
export function own(child: ChildProcess, group: boolean): void {
  const entry = { child, group };
  owned.add(entry);
  child.once('exit', () => owned.delete(entry));
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const { child, group } of owned) signalChild(child, 'SIGKILL', group);
  });
}
