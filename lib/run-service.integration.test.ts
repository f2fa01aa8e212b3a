import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { nodeBinary } from './process/ports.ts';

const FIXTURE = join(import.meta.dirname, 'testdata', 'stop-fixture.ts');
const running: ChildProcess[] = [];
const grandchildren: number[] = [];

afterEach(() => {
  for (const proc of running.splice(0)) proc.kill('SIGKILL');
  for (const pid of grandchildren.splice(0)) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {}
  }
});

/** Starts the fixture; resolves once it printed its grouped child's pid. */
async function startFixture(mode: string) {
  const proc = spawn(nodeBinary(), [FIXTURE, mode], { stdio: ['ignore', 'pipe', 'pipe'] });
  running.push(proc);
  let out = '';
  proc.stdout.on('data', (chunk: Buffer) => {
    out += chunk;
  });
  proc.stderr.on('data', (chunk: Buffer) => {
    out += chunk;
  });
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
    proc.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const child = await until(
    () => Number(out.match(/child (\d+)/)?.[1]) || undefined,
    10_000,
    () => out,
  );
  grandchildren.push(child);
  return { proc, child, exited, output: () => out };
}

async function until<T>(probe: () => T | undefined, ms: number, why: () => string): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out; output:\n${why()}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Alive and not a zombie. */
function alive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

const gone = (pid: number) =>
  until(
    () => (alive(pid) ? undefined : true),
    3000,
    () => `${pid} alive`,
  );

describe('runService: a stop at any moment', () => {
  it('a SIGINT during start-up waits for the start, closes what it started and exits 0', async () => {
    const f = await startFixture('slow-start');
    f.proc.kill('SIGINT'); // the start still has 1.5 s to go
    expect(await f.exited).toEqual({ code: 0, signal: null });
    expect(f.output()).toMatch(/started\nclosed\n/);
    await gone(f.child);
  });

  it('the same signal twice within repeatMs is one stop; a later one forces the exit and kills the group', async () => {
    const f = await startFixture('stuck-close');
    await until(() => (f.output().includes('started') ? true : undefined), 5000, f.output);
    f.proc.kill('SIGINT');
    f.proc.kill('SIGINT'); // npm forwards the Ctrl-C the terminal already sent us
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect(f.proc.exitCode).toBeNull(); // still closing (forever, in this fixture)
    expect(alive(f.child)).toBe(true);
    f.proc.kill('SIGINT');
    expect(await f.exited).toEqual({ code: 130, signal: null });
    await gone(f.child);
  });
});

describe('owned children when nobody handles the signal', () => {
  it('a SIGINT that ends the process kills its grouped children first, and it still dies of SIGINT', async () => {
    const f = await startFixture('bare');
    f.proc.kill('SIGINT');
    expect(await f.exited).toEqual({ code: null, signal: 'SIGINT' });
    await gone(f.child);
  });
});
