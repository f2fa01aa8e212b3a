import { existsSync } from 'node:fs';
import { createServer } from 'node:net';

/** A TCP port that was free on 127.0.0.1 a moment ago (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === 'object') resolve(address.port);
        else reject(new Error('no port'));
      });
    });
  });
}

/**
 * Polls `check` until it returns true or the deadline passes. Tests and launchers wait with this, never
 * sleep. A check that throws counts as "not yet" (a port that is not bound yet refuses the connection),
 * but what it threw last is in the timeout's message, so a check that can never succeed says why.
 */
export async function waitFor(
  check: () => Promise<boolean> | boolean,
  timeoutMs: number,
  what: string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let delay = 20;
  let lastError: unknown;
  for (;;) {
    try {
      if (await check()) return;
      lastError = undefined;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) {
      const why = lastError === undefined ? '' : ` (the last check threw: ${describeError(lastError)})`;
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${why}`);
    }
    await new Promise((r) => setTimeout(r, delay));
    delay = Math.min(delay * 2, 250);
  }
}

/** An error's message with its cause (fetch's "fetch failed" hides ECONNREFUSED in `cause`). */
export function describeError(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = err.cause instanceof Error ? `: ${err.cause.message}` : '';
  return `${err.message}${cause}`;
}

/** The oldest Node this project runs on (package.json "engines"): it runs our TypeScript directly. */
const SUPPORTED_MAJOR = 24;

/**
 * The Node binary for child processes (broker, ingest, Node-RED). The Node running us when it is one
 * the project supports; otherwise (vitest started by an older system node) the project's own Node 24,
 * the npm package `node`, when it is installed.
 */
export function nodeBinary(): string {
  const major = Number(process.versions.node.split('.')[0]);
  if (major >= SUPPORTED_MAJOR) return process.execPath;
  const local = new URL('../../node_modules/node/bin/node', import.meta.url).pathname;
  return existsSync(local) ? local : process.execPath;
}
