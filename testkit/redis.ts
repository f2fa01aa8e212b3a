import { mkdtemp } from 'node:fs/promises';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../lib/process/ports.ts';
import { startLocalServer } from './local-server.ts';

export type LocalRedis = { url: string; port: number; stop(): Promise<void> };

/** Answers PING with +PONG? Speaks RESP by hand so launchers need no client library. */
function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port }, () => socket.write('PING\r\n'));
    socket.once('data', (d) => {
      socket.destroy();
      resolve(d.toString().startsWith('+PONG'));
    });
    socket.once('error', () => resolve(false));
  });
}

/** Debian's redis-server on a free loopback port, no snapshots, in a temp folder removed on stop. */
export async function startLocalRedis(binary = 'redis-server'): Promise<LocalRedis> {
  const dir = await mkdtemp(join(tmpdir(), 'redis-'));
  const port = await freePort();
  const args = [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--save',
    '',
    '--appendonly',
    'no',
    '--dir',
    dir,
  ];
  const server = await startLocalServer({
    name: 'redis-server',
    command: binary,
    args,
    dir,
    ready: () => ping(port),
    timeoutMs: 10_000,
  });
  return { url: `redis://127.0.0.1:${port}`, port, stop: server.stop };
}
