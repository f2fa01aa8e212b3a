import { spawnSync } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../lib/process/ports.ts';
import { startLocalServer } from './local-server.ts';

export type LocalMosquitto = { url: string; port: number; stop(): Promise<void> };

/**
 * Debian's Mosquitto 2 (MQTT 5, shared subscriptions) on a free loopback port, without persistence: the
 * reference broker for interoperability tests and benchmarks, not a deployment. With `users` it takes
 * only those (a password file made by mosquitto_passwd); without, it is anonymous (broker benchmarks).
 * Queues are sized so a slow subscriber makes it hold QoS 1 messages instead of dropping them.
 */
export async function startLocalMosquitto(users?: Record<string, string>): Promise<LocalMosquitto> {
  const dir = await mkdtemp(join(tmpdir(), 'mosquitto-'));
  const port = await freePort();
  const auth = ['allow_anonymous true'];
  if (users) {
    const passwords = join(dir, 'passwords');
    for (const [user, password] of Object.entries(users)) {
      const first = Object.keys(users)[0] === user;
      const made = spawnSync('mosquitto_passwd', ['-b', ...(first ? ['-c'] : []), passwords, user, password]);
      if (made.status !== 0) throw new Error(`mosquitto_passwd failed: ${made.stderr}`);
    }
    auth.splice(0, 1, 'allow_anonymous false', `password_file ${passwords}`);
  }
  const config = join(dir, 'mosquitto.conf');
  await writeFile(
    config,
    [
      `listener ${port} 127.0.0.1`,
      ...auth,
      'persistence false',
      // As root Mosquitto would drop to user "mosquitto", which cannot read this temp folder.
      `user ${userInfo().username}`,
      'log_dest none',
      'max_queued_messages 10000000',
      'max_inflight_messages 1000',
      '',
    ].join('\n'),
  );
  const server = await startLocalServer({
    name: 'mosquitto',
    command: 'mosquitto',
    args: ['-c', config],
    dir,
    ready: () =>
      new Promise<boolean>((resolve) => {
        const socket = connect(port, '127.0.0.1', () => {
          socket.destroy();
          resolve(true);
        });
        socket.on('error', () => resolve(false));
      }),
    timeoutMs: 10_000,
  });
  return { url: `mqtt://127.0.0.1:${port}`, port, stop: server.stop };
}
