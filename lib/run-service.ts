import { constants } from 'node:os';
import type { Logger } from './log.ts';

export type Service = { close(): Promise<void> };

/**
 * Starts the service. `signal` aborts when a stop is asked for while it starts: a start that takes it
 * stops early and closes what it had started (stack/start.ts); one that ignores it is closed as soon
 * as it is up.
 */
export type StartService = (log: Logger, signal: AbortSignal) => Promise<Service>;

export type RunOptions = {
  /**
   * A second signal within this time is the same stop asked twice, not a demand to force: a
   * terminal's Ctrl-C reaches `npm` and us, and npm forwards its copy (@npmcli/run-script's
   * signal-manager), so one keypress can arrive twice.
   */
  repeatMs?: number;
};

// Not SIGHUP: a listener would undo the "ignore" that `nohup` leaves for it.
const STOP_SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/**
 * Wiring shared by every main.ts: start, then close on SIGINT or SIGTERM, at any moment,
 * start-up included. A config or start-up error prints its message (and code and hint when it has
 * them) and exits 1 without a stack trace. A second signal while closing forces the exit: the
 * children launched with lib/process are killed with their process groups on the way out.
 */
export async function runService(
  name: string,
  start: StartService,
  log: Logger,
  options: RunOptions = {},
): Promise<void> {
  const repeatMs = options.repeatMs ?? 1000;
  const abort = new AbortController();
  let service: Service | undefined;
  let firstSignalAt: number | undefined;

  const closeAndExit = (running: Service) => {
    running.close().then(
      () => {
        log.info(`${name} stopped`);
        process.exit(0);
      },
      (err: Error) => {
        log.error({ err }, `${name} did not close cleanly`);
        process.exit(1);
      },
    );
  };
  const onSignal = (signal: (typeof STOP_SIGNALS)[number]) => {
    const now = Date.now();
    if (firstSignalAt === undefined) {
      firstSignalAt = now;
      log.info({ signal }, `${name} stopping (${signal} again to force)`);
      abort.abort(Object.assign(new Error(`stopped by ${signal}`), { code: 'STOPPED' }));
      if (service) closeAndExit(service);
      // Otherwise the start is still running: it settles soon (below).
      return;
    }
    if (now - firstSignalAt < repeatMs) return;
    log.warn({ signal }, `${name}: forced exit (children are killed)`);
    // process.exit runs lib/process/owned-process.ts's 'exit' hook: SIGKILL to every child's group.
    process.exit(128 + constants.signals[signal]);
  };
  for (const signal of STOP_SIGNALS) process.on(signal, () => onSignal(signal));

  try {
    service = await start(log, abort.signal);
  } catch (err) {
    if (abort.signal.aborted) {
      log.info(`${name} stopped during start-up`);
      process.exit(0);
    }
    const e = err as Error & { code?: string; hint?: string };
    process.stderr.write(
      `${name}: ${e.message}${e.code ? ` [${e.code}]` : ''}\n${e.hint ? `hint: ${e.hint}\n` : ''}`,
    );
    process.exit(1);
  }
  if (abort.signal.aborted) closeAndExit(service);
}
