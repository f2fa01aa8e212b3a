import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, waitFor } from './ports.ts';

export type LocalMosquitto = { url: string; port: number; stop(): Promise<void> };

/**
 * Debian's Mosquitto 2.0 (MQTT 5, shared subscriptions) on a free loopback port, with a password file
 * made by mosquitto_passwd: even in tests no client connects anonymously. Queues are sized so a slow
 * subscriber makes the broker hold QoS 1 messages instead of dropping them (the default is 1,000).
 */
export async function startLocalMosquitto(users: Record<string, string>): Promise<LocalMosquitto> {
  const dir = await mkdtemp(join(tmpdir(), 'mosquitto-'));
  const port = await freePort();
  const passwords = join(dir, 'passwords');
  for (const [user, password] of Object.entries(users)) {
    const made = spawnSync('mosquitto_passwd', [
      '-b',
      ...(Object.keys(users)[0] === user ? ['-c'] : []),
      passwords,
      user,
      password,
    ]);
    if (made.status !== 0) throw new Error(`mosquitto_passwd failed: ${made.stderr}`);
  }
  // Mosquitto started as root drops to user "mosquitto", which must still read these files.
  await chmod(dir, 0o755);
  await chmod(passwords, 0o644);
  const config = join(dir, 'mosquitto.conf');
  await writeFile(
    config,
    [
      `listener ${port} 127.0.0.1`,
      'allow_anonymous false',
      `password_file ${passwords}`,
      'persistence false',
      'max_queued_messages 10000000',
      'max_inflight_messages 1000',
      '',
    ].join('\n'),
  );
  const child: ChildProcess = spawn('mosquitto', ['-c', config], { stdio: 'ignore' });
  await waitFor(
    () =>
      new Promise<boolean>((resolve) => {
        if (child.exitCode !== null) throw new Error('mosquitto exited during start-up');
        const socket = connect(port, '127.0.0.1', () => {
          socket.destroy();
          resolve(true);
        });
        socket.on('error', () => resolve(false));
      }),
    10_000,
    'mosquitto listening',
  );
  return {
    url: `mqtt://127.0.0.1:${port}`,
    port,
    async stop() {
      await new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      });
      await rm(dir, { recursive: true, force: true });
    },
  };
}
