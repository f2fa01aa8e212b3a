import { execFile, execFileSync, spawn } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, symlink } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { waitFor } from '../../lib/process/ports.ts';

// Test helpers that run commands the way a person does at a terminal: in a checkout of their own,
// as a foreground job (a process group of its own, which Ctrl-C signals as a whole).

export const REPO_ROOT = resolve(import.meta.dirname, '..', '..');

export type Proc = { pid: number; ppid: number; args: string };

/**
 * A folder that looks like a fresh clone: every top-level entry of the repository linked, except the
 * state folder and .git. Commands run there find `state/` empty, and every relative default
 * (`state/registry.json`, the ingest spool) lands inside it, never in the real checkout.
 */
export async function cloneLikeFolder(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'depok-clone-'));
  for (const entry of await readdir(REPO_ROOT)) {
    if (entry === 'state' || entry === '.git') continue;
    if (FRESH.some((f) => f.startsWith(`${entry}/`))) await linkInto(entry, dir);
    else await symlink(join(REPO_ROOT, entry), join(dir, entry));
  }
  return dir;
}

/**
 * Folders a command writes into that git ignores (deploy/tls: the README's `make-dev-ca.sh` puts keys
 * there): made real in the clone-like folder with only their tracked files linked, as a fresh clone has
 * them, so what is written lands there and not in the checkout.
 */
const FRESH = ['deploy/tls'];

async function linkInto(path: string, dir: string): Promise<void> {
  await mkdir(join(dir, path));
  if (FRESH.includes(path)) {
    const tracked = execFileSync('git', ['ls-files', '-z', path], { cwd: REPO_ROOT, encoding: 'utf8' });
    for (const file of tracked.split('\0').filter((f) => f && !f.slice(path.length + 1).includes('/')))
      await symlink(join(REPO_ROOT, file), join(dir, file));
    return;
  }
  for (const entry of await readdir(join(REPO_ROOT, path))) {
    const child = `${path}/${entry}`;
    if (FRESH.some((f) => f === child || f.startsWith(`${child}/`))) await linkInto(child, dir);
    else await symlink(join(REPO_ROOT, child), join(dir, child));
  }
}

/** Our environment without what the test runner adds, plus `extra`. */
export function userEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env))
    if (!/^(VITEST|NODE_ENV$|NODE_OPTIONS$|npm_)/.test(key)) env[key] = value;
  return { ...env, npm_config_update_notifier: 'false', ...extra };
}

export type Exit = { code: number | null; signal: NodeJS.Signals | null };

export type Job = {
  pid: number;
  /** stdout, split in lines. */
  lines(): string[];
  /** stdout and stderr as they came. */
  output(): string;
  exited: Promise<Exit>;
  /** SIGINT to the job's process group: what a terminal's Ctrl-C does. */
  ctrlC(): void;
  /** Every process seen in the job's tree, or with its working directory in `folder`. */
  seen(): Proc[];
};

/** Starts `command` as a foreground job would run, in `folder`. */
export function startJob(command: string, args: string[], folder: string, env: NodeJS.ProcessEnv): Job {
  const proc = spawn(command, args, { cwd: folder, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let all = '';
  proc.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk;
    all += chunk;
  });
  proc.stderr.on('data', (chunk: Buffer) => {
    all += chunk;
  });
  const seen = new Map<number, Proc>();
  const exited = new Promise<Exit>((resolve) =>
    proc.once('exit', (code, signal) => resolve({ code, signal })),
  );
  let done = false;
  void exited.then(() => {
    done = true;
  });
  // The tree is sampled while the job runs, so children that are reparented when it ends are known.
  void (async () => {
    while (!done) {
      for (const p of await jobProcesses(proc.pid ?? -1, folder)) seen.set(p.pid, p);
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  return {
    pid: proc.pid ?? -1,
    lines: () => stdout.split('\n'),
    output: () => all,
    exited,
    ctrlC: () => {
      try {
        process.kill(-(proc.pid ?? 0), 'SIGINT');
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err; // the whole job has ended
      }
    },
    seen: () => [...seen.values()],
  };
}

const exec = promisify(execFile);

async function processTable(): Promise<Proc[]> {
  const { stdout } = await exec('ps', ['-ww', '-eo', 'pid=,ppid=,args=']);
  return stdout
    .split('\n')
    .map((line) => line.trim().match(/^(\d+)\s+(\d+)\s+(.*)$/))
    .filter((m) => m !== null)
    .map((m) => ({ pid: Number(m[1]), ppid: Number(m[2]), args: m[3] ?? '' }));
}

/** The job's descendants, and any process working in `folder` (one reparented to init included). */
async function jobProcesses(root: number, folder: string): Promise<Proc[]> {
  const table = await processTable();
  const inTree = new Set([root]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const p of table)
      if (inTree.has(p.ppid) && !inTree.has(p.pid)) {
        inTree.add(p.pid);
        grew = true;
      }
  }
  return table.filter((p) => inTree.has(p.pid) || workingIn(p.pid, folder));
}

function workingIn(pid: number, folder: string): boolean {
  try {
    return readlinkSync(`/proc/${pid}/cwd`).startsWith(folder);
  } catch {
    return false;
  }
}

/** Running and not a zombie, with the same command line (a pid can be reused). */
function stillRunning(p: Proc): boolean {
  try {
    if (/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${p.pid}/stat`, 'utf8'))) return false;
    const args = readFileSync(`/proc/${p.pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
    return args === p.args.trim();
  } catch {
    return false;
  }
}

/** What of the jobs is still running: processes seen in their trees, and any working in `folder`. */
export function leftovers(jobs: Job | Job[], folder: string): Proc[] {
  const left = [jobs].flat().flatMap((job) => job.seen().filter(stillRunning));
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!pid || left.some((p) => p.pid === pid) || !workingIn(pid, folder)) continue;
    const p = { pid, ppid: 0, args: readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ') };
    if (stillRunning(p)) left.push(p);
  }
  return left;
}

/** Waits (bounded) until nothing of the jobs runs; the error lists what does. */
export async function untilNothingLeft(jobs: Job | Job[], folder: string, ms = 5000): Promise<void> {
  await waitFor(() => leftovers(jobs, folder).length === 0, ms, 'nothing left running').catch(() => {
    const left = leftovers(jobs, folder).map((p) => `${p.pid} ${p.args}`);
    throw new Error(`still running after the job ended:\n${left.join('\n')}`);
  });
}

/** True when something listens on 127.0.0.1:`port`. */
export function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(true));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(false)));
  });
}
