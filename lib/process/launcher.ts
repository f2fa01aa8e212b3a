import { type ChildProcess, spawn } from 'node:child_process';
import { OutputTail } from './output-tail.ts';
import { own, signalChild } from './owned-process.ts';
import { describeError } from './ports.ts';

export type Exit = { code: number | null; signal: NodeJS.Signals | null };

export type LaunchOptions = {
  /** Names the child in errors: "influxd exited during start-up with code 1". */
  name: string;
  command: string;
  args?: readonly string[];
  /** The child's whole environment (default: ours). */
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /**
   * Asked until it answers true: the child is ready (its port answers). What it throws counts as "not
   * yet" and is shown if the wait times out. Without it the child counts as started once spawned.
   */
  ready?: () => Promise<boolean> | boolean;
  readyTimeoutMs?: number;
  /** How long stop() waits after its signal before SIGKILL. */
  stopTimeoutMs?: number;
  /** Lines of output kept for output() and for the error of a failed start. */
  tailLines?: number;
  /**
   * A process group of its own (a server that spawns children, like influxd): every signal goes to the
   * whole group, and a terminal's Ctrl-C reaches only us, so we stop it in order.
   */
  group?: boolean;
  /** Also copy the child's output to our stderr (a benchmark that shows a child's warnings). */
  echo?: boolean;
  /** Each line of output as it comes (Node-RED's lines go to our logger). */
  onLine?: (line: string) => void;
};

export type Launched = {
  name: string;
  pid: number;
  /** The last `tailLines` lines of stdout and stderr. */
  output(): string;
  /** Settles once the child has exited and its output is read; never rejects. */
  exited: Promise<Exit>;
  running(): boolean;
  /**
   * Sends `signal` (SIGTERM by default) at once, before the first await, so an 'exit' handler can call
   * it; SIGKILL follows if the child is still there after `stopTimeoutMs`. Resolves when it is gone.
   */
  stop(signal?: NodeJS.Signals): Promise<Exit>;
};

/** A start that failed: the child exited, could not be spawned, or was not ready in time. */
export class LaunchError extends Error {
  readonly code = 'LAUNCH_FAILED';
  readonly tail: string;
  readonly exit: Exit | undefined;

  constructor(name: string, headline: string, tail: string, exit?: Exit) {
    super(`${headline}\n--- last output of ${name} ---\n${tail || '(none)'}`);
    this.name = 'LaunchError';
    this.tail = tail;
    this.exit = exit;
  }
}

const DEFAULTS = { readyTimeoutMs: 20_000, stopTimeoutMs: 10_000, tailLines: 40 };
/** After 'exit', how long to wait for the rest of the output ('close'): a grandchild may hold the pipes. */
const DRAIN_MS = 200;

export function describeExit(exit: Exit): string {
  return exit.signal ? `on signal ${exit.signal}` : `with code ${exit.code}`;
}

/**
 * Starts a child process and waits until it is ready. A child that exits first fails the start at
 * once (not at the timeout) with its exit code and the end of its output; one that is not ready in
 * time is killed and the start fails with what the readiness check last threw and the output.
 */
export async function launch(options: LaunchOptions): Promise<Launched> {
  const { name, readyTimeoutMs, stopTimeoutMs, tailLines } = { ...DEFAULTS, ...options };
  const group = options.group ?? false;
  const tail = new OutputTail(tailLines, options.onLine);
  const child = spawn(options.command, [...(options.args ?? [])], {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: group,
  });
  const keep = (chunk: Buffer) => {
    tail.write(chunk);
    if (options.echo) process.stderr.write(chunk);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = exitOf(child);
  const spawnError = await new Promise<Error | undefined>((resolve) => {
    child.once('spawn', () => resolve(undefined));
    child.once('error', resolve);
  });
  if (spawnError) throw new LaunchError(name, `${name} could not be started: ${spawnError.message}`, '');
  // Later 'error' events are failed signals to a child that is already gone: its exit says the rest.
  child.on('error', () => {});
  own(child, group);
  const running = () => child.exitCode === null && child.signalCode === null;

  const stop = async (signal: NodeJS.Signals = 'SIGTERM'): Promise<Exit> => {
    if (!running()) return exited;
    signalChild(child, signal, group);
    const force = setTimeout(() => signalChild(child, 'SIGKILL', group), stopTimeoutMs);
    const exit = await exited;
    clearTimeout(force);
    // What the child started may outlive it; its group goes with it.
    if (group) signalChild(child, 'SIGKILL', group);
    return exit;
  };
  const launched: Launched = {
    name,
    pid: child.pid ?? -1,
    output: () => tail.text(),
    exited,
    running,
    stop,
  };

  const outcome = await untilReady(options.ready, readyTimeoutMs, exited);
  if (outcome.kind === 'ready' && running()) return launched;
  if (outcome.kind === 'timeout') {
    await stop('SIGKILL');
    const why =
      outcome.lastError === undefined ? '' : ` (the check last threw: ${describeError(outcome.lastError)})`;
    throw new LaunchError(name, `${name} was not ready after ${readyTimeoutMs} ms${why}`, tail.text());
  }
  const exit = await exited;
  throw new LaunchError(name, `${name} exited during start-up ${describeExit(exit)}`, tail.text(), exit);
}

/** The child's exit, once its output is read. */
function exitOf(child: ChildProcess): Promise<Exit> {
  return new Promise((resolve) => {
    child.once('exit', (code, signal) => {
      const exit = { code, signal };
      const drained = setTimeout(() => resolve(exit), DRAIN_MS);
      child.once('close', () => {
        clearTimeout(drained);
        resolve(exit);
      });
    });
  });
}

type Outcome = { kind: 'ready' } | { kind: 'exited' } | { kind: 'timeout'; lastError: unknown };

/** Polls `ready` (20 ms, doubling to 250 ms) against the child's exit and the deadline, whichever is first. */
async function untilReady(
  ready: LaunchOptions['ready'],
  timeoutMs: number,
  exited: Promise<Exit>,
): Promise<Outcome> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  const gone = exited.then(() => 'exited' as const);
  let lastError: unknown;
  const check = (): Promise<'ready' | 'not yet'> =>
    Promise.resolve()
      .then(ready)
      .then(
        (ok) => {
          if (ok) return 'ready';
          lastError = undefined;
          return 'not yet';
        },
        (err: unknown) => {
          lastError = err;
          return 'not yet';
        },
      );
  const outcome = (end: 'ready' | 'exited' | 'timeout'): Outcome =>
    end === 'timeout' ? { kind: 'timeout', lastError } : { kind: end };
  try {
    if (!ready) return { kind: 'ready' };
    for (let delay = 20; ; delay = Math.min(delay * 2, 250)) {
      const answer = await Promise.race([check(), gone, deadline]);
      if (answer !== 'not yet') return outcome(answer);
      const pause = await Promise.race([sleep(delay), gone, deadline]);
      if (pause !== 'slept') return outcome(pause);
    }
  } finally {
    clearTimeout(timer);
  }
}

function sleep(ms: number): Promise<'slept'> {
  return new Promise((resolve) => setTimeout(() => resolve('slept'), ms));
}
