import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { basicAuth, type V1Login } from '../lib/influx/v1-users.ts';
import { enforcePrivate } from '../lib/private-files.ts';
import { type Launched, launch } from '../lib/process/launcher.ts';
import { describeError, freePort } from '../lib/process/ports.ts';

export type LocalInfluxd = {
  url: string;
  dataDir: string;
  /** SIGKILL, for fault tests; `start()` brings it back on the same port and data. */
  kill(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
};

export type LocalInfluxdOptions = {
  /** Keep data here (npm start); default: a new temp folder removed on stop. */
  dataDir?: string;
  port?: number;
  host?: string;
  binary?: string;
  /**
   * `auth-enabled = true` (npm start): every write and query needs a user; the first admin is created
   * over HTTP (lib/influx/v1-users.ts). Tests leave it off unless they are about it.
   */
  auth?: boolean;
};

export function findInfluxd(): string | undefined {
  const found = spawnSync('sh', ['-c', 'command -v influxd'], { encoding: 'utf8' });
  const path = found.stdout.trim();
  return found.status === 0 && path ? path : undefined;
}

/**
 * Largest /write body: our writers send at most INGEST_BATCH_MAX_LINES (5,000) lines of a few hundred
 * bytes, and answer a 413 by splitting the batch. influxd's own default is 25 MB; the stack used to
 * switch the limit off.
 */
export const INFLUXD_MAX_BODY_BYTES = 10_000_000;

// Every path and listener is moved under dataDir and onto loopback, so several can run side by side.
// pprof off: /debug/pprof serves heap, goroutine and CPU profiles without credentials (issue 12). influxd
// 1.6 has no setting for its CORS headers (it reflects any Origin); with auth on a page elsewhere
// still gets only 401s (stack/cross-origin.integration.test.ts).
function configFor(dataDir: string, host: string, httpPort: number, rpcPort: number, auth: boolean): string {
  return `reporting-disabled = true
bind-address = "127.0.0.1:${rpcPort}"
[meta]
  dir = "${join(dataDir, 'meta')}"
[data]
  dir = "${join(dataDir, 'data')}"
  wal-dir = "${join(dataDir, 'wal')}"
  query-log-enabled = false
  cache-snapshot-write-cold-duration = "10s"
[monitor]
  store-enabled = false
[http]
  bind-address = "${host}:${httpPort}"
  log-enabled = false
  auth-enabled = ${auth}
  pprof-enabled = false
  max-body-size = ${INFLUXD_MAX_BODY_BYTES}
  max-connection-limit = 256
[continuous_queries]
  enabled = false
[logging]
  level = "warn"
`;
}

/**
 * Starts Debian's influxd 1.x on free loopback ports. A port another test took between our choosing it
 * and influxd binding it costs a retry on fresh ports (unless the caller fixed the port).
 */
export async function startLocalInfluxd(options: LocalInfluxdOptions = {}): Promise<LocalInfluxd> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(options);
    } catch (err) {
      if (options.port !== undefined || options.dataDir !== undefined || attempt >= 3) throw err;
    }
  }
}

async function startOnce(options: LocalInfluxdOptions): Promise<LocalInfluxd> {
  const binary = options.binary ?? findInfluxd();
  if (!binary)
    throw new Error('influxd not found: install Debian\'s "influxdb" package (apt-get install influxdb)');
  const ownsDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'influxd-')));
  await mkdir(dataDir, { recursive: true });
  await enforcePrivate(dataDir); // npm start keeps data in state/influxdb across runs
  const host = options.host ?? '127.0.0.1';
  const httpPort = options.port ?? (await freePort());
  const rpcPort = await freePort();
  const configPath = join(dataDir, 'influxdb.conf');
  await writeFile(configPath, configFor(dataDir, host, httpPort, rpcPort, options.auth ?? false));
  const url = `http://${host}:${httpPort}`;
  let child: Launched | undefined;

  const start = async () => {
    const proc = await launch({
      name: 'influxd',
      command: binary,
      args: ['-config', configPath],
      group: true,
      ready: async () => (await fetch(`${url}/ping`)).status === 204,
      readyTimeoutMs: 30_000,
      stopTimeoutMs: 30_000,
    });
    child = proc;
    // Free ports are found by binding and releasing them, so a parallel test can take the same one:
    // make sure the server answering is this process (its command line names our config file).
    let answer: string;
    try {
      const vars = (await (await fetch(`${url}/debug/vars`)).json()) as { cmdline?: string[] };
      if (proc.running() && vars.cmdline?.includes(configPath)) return;
      answer = proc.running() ? `another influxd (${vars.cmdline?.join(' ')})` : 'nobody: influxd exited';
    } catch (err) {
      answer = `nothing readable (${describeError(err)})`;
    }
    child = undefined;
    await proc.stop('SIGKILL');
    throw new Error(`port ${httpPort} answered by ${answer}\n${proc.output()}`);
  };

  /** Sends the signal before the first await: the benchmark's 'exit' handler calls kill(). */
  const kill = async (signal: NodeJS.Signals = 'SIGKILL') => {
    const proc = child;
    child = undefined;
    await proc?.stop(signal);
  };

  try {
    await start();
  } catch (err) {
    if (ownsDir) await rm(dataDir, { recursive: true, force: true });
    throw err;
  }
  return {
    url,
    dataDir,
    kill: () => kill('SIGKILL'),
    start: () => restart(start),
    async stop() {
      await kill('SIGTERM');
      if (ownsDir) await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Starts influxd again on its old port. A listener of another test may sit on it for a moment (ports are
 * chosen by binding and releasing): a refused bind is retried for a few seconds, anything else is not.
 */
async function restart(start: () => Promise<void>): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      return await start();
    } catch (err) {
      if (Date.now() > deadline || !String(err).includes('address already in use')) throw err;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

/** Runs one InfluxQL statement over the v1 /query API (as `login`, if given) and returns the parsed JSON. */
export async function influxQuery(
  url: string,
  q: string,
  db?: string,
  login?: V1Login,
): Promise<InfluxQueryResult> {
  const params = new URLSearchParams({ q });
  if (db) params.set('db', db);
  const headers: Record<string, string> = login ? { authorization: basicAuth(login) } : {};
  const res = await fetch(`${url}/query?${params}`, { method: 'POST', headers });
  if (!res.ok) throw new Error(`query failed: ${res.status} ${await res.text()}`);
  return (await res.json()) as InfluxQueryResult;
}

export type InfluxQueryResult = {
  results: {
    series?: { name: string; columns: string[]; values: unknown[][]; tags?: Record<string, string> }[];
    error?: string;
  }[];
};

/** SELECT COUNT(field) FROM measurement -> the number, or 0 when there is nothing yet. */
export async function influxCount(
  url: string,
  db: string,
  measurement: string,
  field: string,
  login?: V1Login,
): Promise<number> {
  const res = await influxQuery(url, `SELECT COUNT("${field}") FROM "${measurement}"`, db, login);
  const value = res.results[0]?.series?.[0]?.values[0]?.[1];
  return typeof value === 'number' ? value : 0;
}
