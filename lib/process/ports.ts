import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/**
 * A loopback TCP port that was free a moment ago, chosen below the kernel's ephemeral range.
 * Outgoing connections take their local port from that range: a service restarted on its old port (a
 * fault drill kills influxd and starts it again on the same one) could find a client socket of some
 * parallel test sitting on it. Below the range only another listener can collide, and binding checks.
 */
export async function freePort(): Promise<number> {
  const below = ephemeralRangeStart();
  if (below - STATIC_PORTS_FROM >= 1000) {
    for (let attempt = 0; attempt < 50; attempt++) {
      const port = STATIC_PORTS_FROM + Math.floor(Math.random() * (below - STATIC_PORTS_FROM));
      if (await canListen(port)) return port;
    }
  }
  return listenOn(0);
}

/** Above the ports people give their own services (8080, 8086, 1883, …). */
const STATIC_PORTS_FROM = 10_000;

/** The first port of Linux's ip_local_port_range; where that file is missing, IANA's 49152. */
function ephemeralRangeStart(): number {
  try {
    const first = Number(
      readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0],
    );
    return Number.isInteger(first) && first > 0 ? first : 49_152;
  } catch {
    return 49_152;
  }
}

async function canListen(port: number): Promise<boolean> {
  try {
    return (await listenOn(port)) === port;
  } catch {
    return false;
  }
}

function listenOn(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
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
