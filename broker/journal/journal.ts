import { type FileHandle, mkdir, open, readdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { FsyncPolicy } from '../../lib/framing.ts';
import { scanRecords } from './records.ts';

export type JournalOptions = {
  dir: string;
  /** The journal is rewritten as a snapshot of the live state once it is this large (and twice the last snapshot). */
  compactBytes: number;
  /**
   * What a power cut may cost, as for the ingest spool. `none`: flushing is left to the OS (a process
   * crash loses nothing acknowledged; a power cut may lose what the kernel had not written, typically up
   * to 30 s). `interval`: fdatasync every `fsyncIntervalMs` in the background. `always`: fdatasync
   * before the callers of each group commit are answered.
   */
  fsync: FsyncPolicy;
  fsyncIntervalMs: number;
  /** Called once when a write or fdatasync fails: every append is refused from then on. */
  onFailure?: (err: Error) => void;
};

export type LoadedJournal = {
  generation: number;
  bodies: Buffer[];
  bytes: number;
  /** Bytes after the last whole, valid record: a torn tail (crash mid-write) or corruption; ignored. */
  ignoredBytes: number;
  stopped: 'end' | 'torn' | 'corrupt';
};

const FILE = /^journal-(\d{12})\.log$/;
const fileName = (generation: number) => `journal-${String(generation).padStart(12, '0')}.log`;

/** Reads the newest journal in `dir` (a snapshot followed by the records appended after it). */
export async function loadJournal(dir: string): Promise<LoadedJournal> {
  await mkdir(dir, { recursive: true });
  const generations = (await readdir(dir))
    .map((name) => FILE.exec(name)?.[1])
    .filter((g): g is string => g !== undefined)
    .map(Number)
    .sort((a, b) => a - b);
  const generation = generations.at(-1) ?? 0;
  if (generation === 0) return { generation, bodies: [], bytes: 0, ignoredBytes: 0, stopped: 'end' };
  const buf = await readFile(join(dir, fileName(generation)));
  const scan = scanRecords(buf);
  return {
    generation,
    bodies: scan.bodies,
    bytes: scan.consumed,
    ignoredBytes: buf.length - scan.consumed,
    stopped: scan.stopped === 'partial' ? 'torn' : scan.stopped,
  };
}

async function writeAll(fh: FileHandle, buf: Buffer): Promise<void> {
  let offset = 0;
  while (offset < buf.length) {
    const { bytesWritten } = await fh.write(buf, offset, buf.length - offset, null);
    offset += bytesWritten;
  }
}

async function syncDir(dir: string): Promise<void> {
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

type Batch = { promise: Promise<void>; resolve: () => void; reject: (err: Error) => void };

/** A rejection a caller may ignore (records not waited for) without it becoming an unhandled rejection. */
export function rejected(err: Error): Promise<never> {
  const promise = Promise.reject(err);
  promise.catch(() => {});
  return promise;
}

function newBatch(): Batch {
  const { promise, resolve, reject } = Promise.withResolvers<void>();
  // Callers that do not wait for durability must not turn a failed write into an unhandled rejection.
  promise.catch(() => {});
  return { promise, resolve, reject };
}

/**
 * An append-only journal with group commit: the records appended during one turn of the event loop
 * leave in one write(2), and their callers are answered when it has returned (the data is in the page
 * cache: a crash of the process cannot lose it). While a write is in flight the next batch gathers.
 * Compaction writes `snapshot()` (the live state as records) to the next generation's file, then
 * renames it into place and deletes the old one: at every instant one complete journal exists.
 */
export class Journal {
  readonly #options: JournalOptions;
  readonly #snapshot: () => Buffer[];
  #fh: FileHandle | undefined;
  #generation: number;
  #size = 0;
  #snapshotBytes = 0;
  #compactAt: number;
  #pending: Buffer[] = [];
  #batch: Batch | undefined;
  #busy = false;
  #scheduled = false;
  #dirty = false;
  #failed: Error | undefined;
  #closed = false;
  #timer: NodeJS.Timeout | undefined;
  #idle: (() => void)[] = [];
  /** Group commits written (one write each) and compactions done: for tests and logs. */
  writes = 0;
  compactions = 0;
  /** The last compaction that failed (the journal kept growing in its old file). */
  compactionError: Error | undefined;

  private constructor(options: JournalOptions, generation: number, snapshot: () => Buffer[]) {
    this.#options = options;
    this.#generation = generation;
    this.#snapshot = snapshot;
    this.#compactAt = options.compactBytes;
  }

  /**
   * Starts appending after `loaded` was replayed: compacts at once (the torn tail, if any, and the
   * records superseded since the last snapshot are gone from disk), then old generations are removed.
   */
  static async start(
    options: JournalOptions,
    loaded: LoadedJournal,
    snapshot: () => Buffer[],
  ): Promise<Journal> {
    const journal = new Journal(options, loaded.generation, snapshot);
    await journal.#compact();
    for (const name of await readdir(options.dir)) {
      const generation = Number(FILE.exec(name)?.[1] ?? Number.NaN);
      if (name.endsWith('.log.tmp') || generation < journal.#generation)
        await rm(join(options.dir, name), { force: true });
    }
    if (options.fsync === 'interval') {
      journal.#timer = setInterval(() => journal.#syncIfDirty(), options.fsyncIntervalMs);
      journal.#timer.unref();
    }
    return journal;
  }

  get generation(): number {
    return this.#generation;
  }

  get bytes(): number {
    return this.#size;
  }

  /** Resolves once the record is written (and fdatasynced under `always`); rejects if the write failed. */
  append(record: Buffer): Promise<void> {
    if (this.#failed) return rejected(this.#failed);
    if (this.#closed) return rejected(new Error('journal closed'));
    this.#pending.push(record);
    this.#batch ??= newBatch();
    if (!this.#scheduled && !this.#busy) {
      this.#scheduled = true;
      setImmediate(() => {
        this.#scheduled = false;
        void this.#flush();
      });
    }
    return this.#batch.promise;
  }

  async #flush(): Promise<void> {
    if (this.#busy) return;
    this.#busy = true;
    while (this.#pending.length > 0 && !this.#failed) {
      const buf = this.#pending.length === 1 ? (this.#pending[0] as Buffer) : Buffer.concat(this.#pending);
      const batch = this.#batch as Batch;
      this.#pending = [];
      this.#batch = undefined;
      try {
        const fh = this.#fh as FileHandle;
        await writeAll(fh, buf);
        this.#size += buf.length;
        this.writes++;
        if (this.#options.fsync === 'always') await fh.datasync();
        else this.#dirty = true;
        batch.resolve();
      } catch (err) {
        // A partial record at the end is what replay already ignores; nothing is appended after it.
        this.#fail(err as Error);
        batch.reject(err as Error);
      }
      if (!this.#failed && this.#size >= this.#compactAt) await this.#compact();
    }
    if (this.#failed && this.#batch) {
      this.#batch.reject(this.#failed);
      this.#pending = [];
      this.#batch = undefined;
    }
    this.#busy = false;
    for (const wake of this.#idle.splice(0)) wake();
  }

  /**
   * The snapshot is taken synchronously, so it holds exactly the effect of every record appended so far,
   * including those still pending: they are not written to the old file, and their callers are answered
   * once the new file is in place. Records appended while the snapshot is written go to the new file.
   */
  async #compact(): Promise<void> {
    const covered = this.#pending;
    const coveredBatch = this.#batch;
    this.#pending = [];
    this.#batch = undefined;
    const generation = this.#generation + 1;
    const path = join(this.#options.dir, fileName(generation));
    let fh: FileHandle | undefined;
    let snapshot: Buffer;
    try {
      snapshot = Buffer.concat(this.#snapshot());
      fh = await open(`${path}.tmp`, 'w');
      await writeAll(fh, snapshot);
      // Always synced, whatever the policy: a rename that outlives a power cut while the data does not
      // would lose the whole state, not the last seconds of it.
      await fh.datasync();
      await rename(`${path}.tmp`, path);
      await syncDir(this.#options.dir);
    } catch (err) {
      await fh?.close().catch(() => {});
      await rm(`${path}.tmp`, { force: true }).catch(() => {});
      if (!this.#fh) throw err; // at start-up: nothing to fall back on
      // Keep the old journal: the covered records go there first, answered with the next batch.
      this.#pending = covered.concat(this.#pending);
      if (coveredBatch) {
        const next = this.#batch ?? newBatch();
        next.promise.then(coveredBatch.resolve, coveredBatch.reject);
        this.#batch = next;
      }
      this.#compactAt = this.#size * 2;
      this.compactionError = err as Error;
      return;
    }
    const old = this.#fh;
    const oldPath = join(this.#options.dir, fileName(this.#generation));
    this.#fh = fh;
    this.#generation = generation;
    this.#size = snapshot.length;
    this.#snapshotBytes = snapshot.length;
    // Twice the snapshot: a state larger than compactBytes must not be rewritten after every batch.
    this.#compactAt = Math.max(this.#options.compactBytes, 2 * this.#snapshotBytes);
    this.#dirty = false;
    this.compactions++;
    coveredBatch?.resolve();
    if (old) {
      await old.close().catch(() => {});
      await rm(oldPath, { force: true });
    }
  }

  #syncIfDirty(): void {
    const fh = this.#fh;
    if (!this.#dirty || !fh || this.#failed) return;
    this.#dirty = false;
    fh.datasync().catch((err: Error) => {
      // A handle closed by a compaction meanwhile is no failure: its successor was synced before the rename.
      if (fh === this.#fh) this.#fail(err);
    });
  }

  #fail(err: Error): void {
    if (this.#failed) return;
    this.#failed = err;
    this.#options.onFailure?.(err);
  }

  /** Resolves when nothing is pending or being written (compactions included). */
  async settled(): Promise<void> {
    while (this.#busy || this.#scheduled || (this.#pending.length > 0 && !this.#failed))
      await new Promise<void>((r) => this.#idle.push(r));
  }

  /** Writes what is pending, syncs (a clean stop costs nothing even under `none`) and closes. */
  async close(): Promise<void> {
    if (this.#closed) return;
    if (this.#pending.length > 0 && !this.#busy) void this.#flush();
    await this.settled();
    this.#closed = true;
    clearInterval(this.#timer);
    const fh = this.#fh;
    this.#fh = undefined;
    if (!fh) return;
    await fh.datasync().catch(() => {});
    await fh.close();
  }
}
