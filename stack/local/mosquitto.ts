import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { freePort, waitFor } from './ports.ts';

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
  const child: ChildProcess = spawn('mosquitto', ['-c', config], { stdio: ['ignore', 'ignore', 'pipe'] });
  let output = '';
  child.stderr?.on('data', (d: Buffer) => {
    output = (output + d.toString()).slice(-2000);
  });
  child.once('error', () => {});
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    await waitFor(
      () =>
        new Promise<boolean>((resolve, reject) => {
          if (child.exitCode !== null) return reject(new Error('exited'));
          const socket = connect(port, '127.0.0.1', () => {
            socket.destroy();
            resolve(true);
          });
          socket.on('error', () => resolve(false));
        }),
      10_000,
      'mosquitto listening',
    );
  } catch (err) {
    child.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
    throw new Error(`mosquitto did not start (${(err as Error).message}): ${output}`);
  }
  return {
    url: `mqtt://127.0.0.1:${port}`,
    port,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}
