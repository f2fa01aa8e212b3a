import type { ChildProcess } from 'node:child_process';

type Owned = { child: ChildProcess; group: boolean };

const owned = new Set<Owned>();
let hooksInstalled = false;

/**
 * Signals whose default action ends us without an 'exit' event (a terminal's Ctrl-C, kill). Not
 * SIGHUP: a listener would undo the "ignore" that `nohup` leaves for it.
 */
const FATAL_SIGNALS = ['SIGINT', 'SIGTERM'] as const;

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

/** SIGKILLs every child still owned (its group when it has one). Synchronous: safe in an 'exit' handler. */
export function killOwned(): void {
  for (const { child, group } of owned) signalChild(child, 'SIGKILL', group);
}

/**
 * Records a child this process stops itself. If we end without stopping it, it is killed then: a
 * child in a process group of its own would otherwise outlive us, since a terminal's Ctrl-C reaches
 * only our group (which is why influxd and Node-RED get their own: they are stopped in order, influxd
 * last, after the ingest has written what it holds). "End" covers process.exit() and a crash (the
 * 'exit' event) and also a fatal signal nobody handles, which ends Node without an 'exit' event.
 */
export function own(child: ChildProcess, group: boolean): void {
  const entry = { child, group };
  owned.add(entry);
  child.once('exit', () => owned.delete(entry));
  if (hooksInstalled) return;
  hooksInstalled = true;
  process.once('exit', killOwned);
  for (const signal of FATAL_SIGNALS) {
    const onSignal = () => {
      // Another listener (lib/run-service.ts) stops the service in order and exits: its exit kills.
      if (process.listenerCount(signal) > 1) return;
      killOwned();
      // Then die of the signal as we would have without this listener (exit status included).
      process.removeListener(signal, onSignal);
      process.kill(process.pid, signal);
    };
    process.on(signal, onSignal);
  }
}
