import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { LaunchError, type Launched, launch } from './launcher.ts';
import { freePort, nodeBinary, waitFor } from './ports.ts';

const node = nodeBinary();
const started: Launched[] = [];

afterEach(async () => {
  await Promise.all(started.splice(0).map((child) => child.stop('SIGKILL')));
});

/** Starts `node -e script` and remembers it for cleanup. */
async function startNode(script: string, options: Partial<Parameters<typeof launch>[0]> = {}) {
  const child = await launch({ name: 'child', command: node, args: ['-e', script], ...options });
  started.push(child);
  return child;
}

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(true)); // taken: the child has it
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(false)));
  });
}

describe('launch', () => {
  it('fails within 1 s when the child exits during start-up, with its output and exit code', async () => {
    const t0 = performance.now();
    const error = await startNode(`console.error('boom'); process.exit(3)`, {
      ready: () => false,
      readyTimeoutMs: 30_000,
    }).catch((err: unknown) => err);
    const elapsed = performance.now() - t0;
    expect(error).toBeInstanceOf(LaunchError);
    expect((error as LaunchError).message).toMatch(/child exited during start-up with code 3/);
    expect((error as LaunchError).message).toContain('boom');
    expect((error as LaunchError).exit).toEqual({ code: 3, signal: null });
    expect(elapsed).toBeLessThan(1000);
  });

  it('fails when the binary does not exist', async () => {
    await expect(launch({ name: 'nothing', command: '/nonexistent/binary' })).rejects.toThrow(
      /nothing could not be started: spawn \/nonexistent\/binary ENOENT/,
    );
  });

  it('times out a child that never becomes ready, kills it and shows its output and the last check error', async () => {
    const t0 = performance.now();
    const error = await startNode(`console.log('waiting for nothing'); setInterval(() => {}, 1000)`, {
      ready: () => {
        throw new Error('connection refused, say');
      },
      readyTimeoutMs: 600,
    }).catch((err: unknown) => err);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(590);
    const message = (error as LaunchError).message;
    expect(message).toMatch(
      /child was not ready after 600 ms \(the check last threw: connection refused, say\)/,
    );
    expect(message).toContain('waiting for nothing');
  });

  it('returns once ready, keeps the output tail and stops the child with SIGTERM within the bound', async () => {
    const port = await freePort();
    const child = await startNode(
      `for (let i = 0; i < 100; i++) console.log('line ' + i);
       require('node:net').createServer().listen(${port}, '127.0.0.1', () => console.error('listening'));`,
      { ready: () => listening(port), tailLines: 5, stopTimeoutMs: 5000 },
    );
    expect(child.running()).toBe(true);
    expect(child.pid).toBeGreaterThan(0);
    // Ready is the port; stdout is another pipe, read a little later on a busy machine.
    await waitFor(() => child.output().includes('line 99'), 5000, 'the last line in the tail');
    const tail = child.output().split('\n');
    expect(tail).toHaveLength(5);
    expect(tail).toContain('line 99');
    expect(tail).not.toContain('line 94');
    const t0 = performance.now();
    expect(await child.stop()).toEqual({ code: null, signal: 'SIGTERM' });
    expect(performance.now() - t0).toBeLessThan(2000);
    expect(child.running()).toBe(false);
    expect(await listening(port)).toBe(false);
  });

  it('kills a child that ignores SIGTERM once the stop bound has passed', async () => {
    const child = await startNode(
      `process.on('SIGTERM', () => console.log('ignoring SIGTERM')); console.log('up'); setInterval(() => {}, 1000)`,
      { stopTimeoutMs: 500 },
    );
    // No readiness check: started once spawned. 'up' comes after the handler is installed.
    await expect.poll(() => child.output()).toContain('up');
    const t0 = performance.now();
    const exit = await child.stop();
    const elapsed = performance.now() - t0;
    expect(exit).toEqual({ code: null, signal: 'SIGKILL' });
    expect(child.output()).toContain('ignoring SIGTERM');
    expect(elapsed).toBeGreaterThanOrEqual(450);
    expect(elapsed).toBeLessThan(3000);
  });

  it('signals the whole process group of a child started with `group`', async () => {
    const port = await freePort();
    // The child spawns a grandchild that holds the port; stopping the child must stop the grandchild.
    const grandchild = `require('node:net').createServer().listen(${port}, '127.0.0.1')`;
    const child = await startNode(
      `require('node:child_process').spawn(process.execPath, ['-e', ${JSON.stringify(grandchild)}], { stdio: 'inherit' });
       setInterval(() => {}, 1000)`,
      { ready: () => listening(port), group: true, stopTimeoutMs: 2000 },
    );
    await child.stop();
    await expect.poll(() => listening(port), { timeout: 3000 }).toBe(false);
  });

  it('passes each line to onLine and surfaces a readiness check that keeps answering false', async () => {
    const lines: string[] = [];
    const error = await startNode(`console.log('a'); console.log('b'); setInterval(() => {}, 1000)`, {
      ready: () => false,
      readyTimeoutMs: 300,
      onLine: (line) => lines.push(line),
    }).catch((err: unknown) => err);
    expect((error as Error).message).toMatch(/^child was not ready after 300 ms\n/);
    expect(lines).toEqual(['a', 'b']);
  });
});
