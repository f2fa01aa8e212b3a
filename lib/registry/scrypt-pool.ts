import { Worker } from 'node:worker_threads';
import type { DeriveReply, DeriveRequest } from './scrypt-worker.ts';
import { type DeriveKey, type ScryptCost, scryptMaxmem } from './secrets.ts';

/** The pool's queue is full: the caller refuses now rather than wait behind every other check. */
export class VerifierBusy extends Error {
  override name = 'VerifierBusy';
  readonly code = 'VERIFIER_BUSY';
}

type Job = {
  request: DeriveRequest;
  resolve: (key: Buffer) => void;
  reject: (err: Error) => void;
};

export type ScryptPoolOptions = {
  /** Worker threads, each running one scrypt at a time: the most CPU password checks may take. */
  threads: number;
  /** Checks that may wait for a thread; one more is refused with VerifierBusy. */
  maxQueued: number;
  /** Called as each scrypt starts on a thread (a metric counts them). */
  onRun?: () => void;
  /**
   * Nice value of the threads (Linux, 0 to 19): higher yields the CPU to the event loop when both want
   * it, so password checks slow down before message delivery does. Default 0 (unchanged).
   */
  nice?: number;
};

const WORKER = new URL('./scrypt-worker.ts', import.meta.url);

/**
 * scrypt on a few worker threads of its own. Each runs scryptSync, so a flood of password checks uses at
 * most `threads` cores and never touches libuv's threadpool (4 threads per process, shared with every
 * file write: the broker journal's among them). Threads start on first use and are unref'd when idle.
 */
export class ScryptPool {
  readonly #options: ScryptPoolOptions;
  readonly #idle: Worker[] = [];
  readonly #busy = new Map<Worker, Job>();
  readonly #queue: Job[] = [];
  #closed = false;

  constructor(options: ScryptPoolOptions) {
    this.#options = {
      ...options,
      threads: Math.max(1, options.threads),
      maxQueued: Math.max(0, options.maxQueued),
    };
  }

  /** Checks waiting for a thread. */
  get waiting(): number {
    return this.#queue.length;
  }

  /** Checks being derived now. */
  get running(): number {
    return this.#busy.size;
  }

  readonly derive: DeriveKey = (secret: string, salt: Buffer, cost: ScryptCost, keyLength: number) => {
    if (this.#closed) return Promise.reject(new Error('scrypt pool closed'));
    const request: DeriveRequest = { secret, salt, cost, keyLength, maxmem: scryptMaxmem(cost) };
    return new Promise<Buffer>((resolve, reject) => {
      const job = { request, resolve, reject };
      const worker = this.#idle.pop() ?? this.#spawn();
      if (worker) return this.#run(worker, job);
      if (this.#queue.length >= this.#options.maxQueued)
        return reject(new VerifierBusy('every scrypt thread is busy and the queue is full'));
      this.#queue.push(job);
    });
  };

  async close(): Promise<void> {
    this.#closed = true;
    const gone = new Error('scrypt pool closed');
    for (const job of this.#queue.splice(0)) job.reject(gone);
    const workers = [...this.#idle.splice(0), ...this.#busy.keys()];
    for (const job of this.#busy.values()) job.reject(gone);
    this.#busy.clear();
    await Promise.all(workers.map((w) => w.terminate()));
  }

  #spawn(): Worker | undefined {
    if (this.#idle.length + this.#busy.size >= this.#options.threads) return undefined;
    // Only Linux scopes a nice value to one thread; elsewhere it would slow the whole broker.
    const nice = process.platform === 'linux' ? (this.#options.nice ?? 0) : 0;
    const worker = new Worker(WORKER, { workerData: { nice } });
    worker.on('message', (reply: DeriveReply) => {
      const job = this.#busy.get(worker);
      this.#busy.delete(worker);
      if (job) {
        if ('key' in reply) job.resolve(Buffer.from(reply.key));
        else job.reject(new Error(`scrypt failed: ${reply.error}`));
      }
      this.#next(worker);
    });
    // A thread that dies (out of memory) fails its check and is replaced on the next one.
    worker.on('error', (err) => {
      this.#busy.get(worker)?.reject(err);
      this.#busy.delete(worker);
      const at = this.#idle.indexOf(worker);
      if (at >= 0) this.#idle.splice(at, 1);
      const next = this.#queue.shift();
      if (next && !this.#closed) {
        const spare = this.#spawn();
        if (spare) this.#run(spare, next);
        else this.#queue.unshift(next);
      }
    });
    return worker;
  }

  #run(worker: Worker, job: Job): void {
    this.#options.onRun?.();
    this.#busy.set(worker, job);
    worker.ref();
    worker.postMessage(job.request);
  }

  #next(worker: Worker): void {
    if (this.#closed) return;
    const job = this.#queue.shift();
    if (job) {
      this.#run(worker, job);
      return;
    }
    worker.unref();
    this.#idle.push(worker);
  }
}
