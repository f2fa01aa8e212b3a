import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { listening } from './shell-job.ts';

export type Network = {
  /** How it is isolated, for messages. */
  kind: 'namespace' | 'host';
  /** `command args` run inside the network. */
  wrap(command: string, args: string[]): [string, string[]];
  close(): void;
};

/**
 * A network of its own with only a loopback, so commands printed with the README's fixed ports
 * (8086, 1883, 9101...) can run as printed while other tests and other checkouts use this machine's.
 * Made with util-linux's `unshare -n` (as root, or where unprivileged user namespaces are allowed) and
 * entered with `nsenter`. Where that cannot be done, the host's network is used, and every port in
 * `ports` must then be free: otherwise it fails, naming them.
 */
export async function loopbackNetwork(ports: readonly number[]): Promise<Network> {
  const root = process.getuid?.() === 0;
  const unshareArgs = root ? ['-n'] : ['-rn'];
  const probe = spawnSync('unshare', [...unshareArgs, 'ip', 'link', 'set', 'lo', 'up'], { encoding: 'utf8' });
  if (probe.status === 0) {
    const holder: ChildProcess = spawn(
      'unshare',
      [...unshareArgs, 'sh', '-c', 'ip link set lo up && echo up && exec sleep 3600'],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    await new Promise<void>((resolve, reject) => {
      holder.stdout?.once('data', () => resolve());
      holder.once('exit', (code) => reject(new Error(`unshare exited with ${code}`)));
    });
    const pid = String(holder.pid);
    const enter = root ? ['-t', pid, '-n'] : ['-t', pid, '-U', '-n', '--preserve-credentials'];
    return {
      kind: 'namespace',
      wrap: (command, args) => ['nsenter', [...enter, '--', command, ...args]],
      close: () => holder.kill('SIGKILL'),
    };
  }
  const busy: number[] = [];
  for (const port of ports) if (await listening(port)) busy.push(port);
  if (busy.length > 0)
    throw new Error(
      `no network namespace here (unshare: ${probe.stderr.trim() || probe.error?.message}), and the README's ports ${busy.join(', ')} are in use on this machine`,
    );
  return { kind: 'host', wrap: (command, args) => [command, args], close: () => {} };
}
