import type { Logger } from './log.ts';

/**
 * Wiring shared by every main.ts: start, then close on SIGINT/SIGTERM. A config or start-up error
 * prints its message (and code and hint when it has them) and exits 1 without a stack trace.
 */
export async function runService(
  name: string,
  start: (log: Logger) => Promise<{ close(): Promise<void> }>,
  log: Logger,
): Promise<void> {
  let service: { close(): Promise<void> };
  try {
    service = await start(log);
  } catch (err) {
    const e = err as Error & { code?: string; hint?: string };
    process.stderr.write(
      `${name}: ${e.message}${e.code ? ` [${e.code}]` : ''}\n${e.hint ? `hint: ${e.hint}\n` : ''}`,
    );
    process.exit(1);
  }
  let closing = false;
  const stop = (signal: string) => {
    if (closing) return;
    closing = true;
    log.info({ signal }, `${name} stopping`);
    service.close().then(
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
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}
