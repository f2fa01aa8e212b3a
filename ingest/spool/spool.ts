import {
  closeSync,
  fdatasyncSync,
  fstatSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import type { FolderLock } from '../../lib/folder-lock.ts';
import { type FsyncPolicy, frame, scanFrames } from '../../lib/framing.ts';
import { lockSpool } from './lock.ts';

/** A spool record larger than this is corruption rather than a reading (payloads are capped far below). */
const MAX_RECORD_BYTES = 1 << 20;

export type SpoolOptions = {
  dir: string;
  /** Total bytes on disk before `full` turns true and the worker stops acknowledging. */
  maxBytes: number;
  segmentBytes: number;
  /**
   * What a power loss may cost (the README states it): `none` leaves flushing to the OS (a crash of the
   * process loses nothing; a power loss can lose what the kernel had not yet written, typically up to
   * 30 s); `interval` fdatasyncs every `fsyncIntervalMs`; `always` fdatasyncs before each acknowledgement.
   */
  fsync: FsyncPolicy;
  fsyncIntervalMs: number;
};

export type Position = { segment: number; offset: number };
export type SpoolBatch = { payloads: Buffer[]; end: Position };

const SEGMENT = /^segment-(\d{12})\.log$/;
const segmentName = (id: number) => `segment-${String(id).padStart(12, '0')}.log`;

/**
 * An append-only, segmented, on-disk log: readings are appended before their PUBACK and drained to
 * InfluxDB in large batches. A checkpoint records how far the drain has got; after a restart the
 * drain resumes there, so a batch may be written twice, which InfluxDB absorbs (same series and time).
 */
export class Spool {
  readonly #options: SpoolOptions;
  #segments: number[] = [];
  #segmentSizes = new Map<number, number>();
  #writeFd = -1;
  #writeSegment = 0;
  #readCursor: Position = { segment: 0, offset: 0 };
  #committed: Position = { segment: 0, offset: 0 };
  #records = 0;
  #fsyncTimer: NodeJS.Timeout | undefined;
  #dirty = false;
  #spaceWaiters: (() => void)[] = [];
  #dataWaiters: (() => void)[] = [];
  #readBuffer: Buffer = Buffer.alloc(0);
  #lock: FolderLock | undefined;

  private constructor(options: SpoolOptions) {
    this.#options = options;
  }

  /** Opens the folder for this process alone: a second writer gets a SpoolInUseError naming the first. */
  static open(options: SpoolOptions): Spool {
    mkdirSync(options.dir, { recursive: true });
    const spool = new Spool(options);
    spool.#lock = lockSpool(options.dir);
    try {
      spool.#recover();
    } catch (err) {
      spool.close();
      throw err;
    }
    return spool;
  }

  get dir(): string {
    return this.#options.dir;
  }

  /** Readings appended and not yet committed: the backlog still to be written to InfluxDB. */
  get depth(): number {
    return this.#records;
  }

  get bytes(): number {
    let total = 0;
    for (const size of this.#segmentSizes.values()) total += size;
    return total - this.#committed.offset;
  }

  get full(): boolean {
    return this.bytes >= this.#options.maxBytes;
  }

  /** Appends synchronously: when this returns, the records are in the OS page cache (and on disk for `always`). */
  append(payloads: readonly Buffer[]): void {
    if (payloads.length === 0) return;
    const buf =
      payloads.length === 1 && payloads[0] ? frame(payloads[0]) : Buffer.concat(payloads.map(frame));
    if ((this.#segmentSizes.get(this.#writeSegment) ?? 0) + buf.length > this.#options.segmentBytes)
      this.#rotate();
    writeSync(this.#writeFd, buf);
    this.#segmentSizes.set(
      this.#writeSegment,
      (this.#segmentSizes.get(this.#writeSegment) ?? 0) + buf.length,
    );
    this.#records += payloads.length;
    if (this.#options.fsync === 'always') fdatasyncSync(this.#writeFd);
    else this.#dirty = true;
    for (const wake of this.#dataWaiters.splice(0)) wake();
  }

  waitForSpace(): Promise<void> {
    if (!this.full) return Promise.resolve();
    return new Promise((resolve) => this.#spaceWaiters.push(resolve));
  }

  /** Resolves when there is something past the read cursor. */
  waitForData(): Promise<void> {
    if (this.#hasUnread()) return Promise.resolve();
    return new Promise((resolve) => this.#dataWaiters.push(resolve));
  }

  /** Wakes anyone waiting for data (used on close). */
  wake(): void {
    for (const wake of this.#dataWaiters.splice(0)) wake();
  }

  /** Reads up to `max` records past the read cursor and advances it (commit() makes that durable). */
  read(max: number, maxBytes = 4 << 20): SpoolBatch | undefined {
    const payloads: Buffer[] = [];
    let cursor = { ...this.#readCursor };
    while (payloads.length < max) {
      const size = this.#segmentSizes.get(cursor.segment) ?? 0;
      if (cursor.offset >= size) {
        const next = this.#segments.find((s) => s > cursor.segment);
        if (next === undefined) break;
        cursor = { segment: next, offset: 0 };
        continue;
      }
      const length = Math.min(size - cursor.offset, maxBytes);
      // One read buffer for the spool's life: a fresh 4 MB one per batch is off-heap garbage that V8
      // frees late, and it showed as tens of MB of RSS while a backlog drained (stack/bench/ingest.bench.ts).
      if (this.#readBuffer.length < length) this.#readBuffer = Buffer.allocUnsafe(Math.max(length, 64 << 10));
      const buf = this.#readBuffer.subarray(0, length);
      const fd = openSync(join(this.#options.dir, segmentName(cursor.segment)), 'r');
      try {
        readSync(fd, buf, 0, length, cursor.offset);
      } finally {
        closeSync(fd);
      }
      const result = scanFrames(buf, { maxBodyBytes: MAX_RECORD_BYTES, maxRecords: max - payloads.length });
      // Copy out: the read buffer is reused by the next read while the caller still holds this batch.
      for (const p of result.bodies) payloads.push(Buffer.from(p));
      if (result.consumed === 0) {
        // A corrupt or partial record inside a closed segment cannot be read: skip the rest of it.
        if (cursor.segment !== this.#writeSegment) cursor = { segment: cursor.segment, offset: size };
        else break;
      } else cursor = { segment: cursor.segment, offset: cursor.offset + result.consumed };
      if (payloads.length > 0 && result.consumed < length) break;
    }
    if (payloads.length === 0) {
      this.#readCursor = cursor;
      return undefined;
    }
    this.#readCursor = cursor;
    return { payloads, end: cursor };
  }

  /** Rewinds the read cursor to the last commit (after a failed write, the batch is read again). */
  rewind(): void {
    this.#readCursor = { ...this.#committed };
  }

  /** Marks everything up to `end` as written: persists the checkpoint and deletes drained segments. */
  commit(end: Position, records: number): void {
    this.#committed = { ...end };
    this.#records = Math.max(0, this.#records - records);
    const tmp = join(this.#options.dir, 'checkpoint.json.tmp');
    writeFileSync(tmp, JSON.stringify(end));
    renameSync(tmp, join(this.#options.dir, 'checkpoint.json'));
    for (const id of [...this.#segments]) {
      if (id >= end.segment || id === this.#writeSegment) break;
      rmSync(join(this.#options.dir, segmentName(id)), { force: true });
      this.#segments = this.#segments.filter((s) => s !== id);
      this.#segmentSizes.delete(id);
    }
    if (!this.full) for (const wake of this.#spaceWaiters.splice(0)) wake();
  }

  close(): void {
    clearInterval(this.#fsyncTimer);
    if (this.#writeFd >= 0) {
      if (this.#dirty) fdatasyncSync(this.#writeFd);
      closeSync(this.#writeFd);
      this.#writeFd = -1;
    }
    this.#lock?.release();
    this.#lock = undefined;
    this.wake();
  }

  #hasUnread(): boolean {
    const size = this.#segmentSizes.get(this.#readCursor.segment) ?? 0;
    return this.#readCursor.offset < size || this.#segments.some((s) => s > this.#readCursor.segment);
  }

  #rotate(): void {
    if (this.#writeFd >= 0) {
      fdatasyncSync(this.#writeFd);
      closeSync(this.#writeFd);
    }
    this.#writeSegment += 1;
    this.#segments.push(this.#writeSegment);
    this.#segmentSizes.set(this.#writeSegment, 0);
    this.#writeFd = openSync(join(this.#options.dir, segmentName(this.#writeSegment)), 'a');
  }

  #recover(): void {
    const { dir } = this.#options;
    this.#segments = readdirSync(dir)
      .map((name) => SEGMENT.exec(name)?.[1])
      .filter((id): id is string => id !== undefined)
      .map(Number)
      .sort((a, b) => a - b);
    for (const id of this.#segments) this.#segmentSizes.set(id, statSync(join(dir, segmentName(id))).size);
    const checkpoint = readCheckpoint(join(dir, 'checkpoint.json'));
    const first = this.#segments[0] ?? 1;
    this.#committed =
      checkpoint && this.#segments.includes(checkpoint.segment) ? checkpoint : { segment: first, offset: 0 };
    // Count what is still to drain, and cut a torn tail off the last segment (power loss mid-append).
    for (const id of this.#segments) {
      if (id < this.#committed.segment) continue;
      const path = join(dir, segmentName(id));
      const start = id === this.#committed.segment ? this.#committed.offset : 0;
      const buf = readFileSync(path).subarray(start);
      const result = scanFrames(buf, { maxBodyBytes: MAX_RECORD_BYTES });
      this.#records += result.bodies.length;
      if (result.consumed < buf.length && id === this.#segments.at(-1)) {
        const fd = openSync(path, 'r+');
        ftruncateSync(fd, start + result.consumed);
        closeSync(fd);
        this.#segmentSizes.set(id, start + result.consumed);
      }
    }
    this.#readCursor = { ...this.#committed };
    if (this.#segments.length === 0) {
      this.#writeSegment = 0;
      this.#rotate();
      this.#committed = { segment: this.#writeSegment, offset: 0 };
      this.#readCursor = { ...this.#committed };
    } else {
      this.#writeSegment = this.#segments.at(-1) ?? 1;
      this.#writeFd = openSync(join(dir, segmentName(this.#writeSegment)), 'a');
      this.#segmentSizes.set(this.#writeSegment, fstatSync(this.#writeFd).size);
    }
    if (this.#options.fsync === 'interval') {
      this.#fsyncTimer = setInterval(() => {
        if (!this.#dirty || this.#writeFd < 0) return;
        this.#dirty = false;
        fdatasyncSync(this.#writeFd);
      }, this.#options.fsyncIntervalMs);
      this.#fsyncTimer.unref();
    }
  }
}

function readCheckpoint(path: string): Position | undefined {
  try {
    const value = JSON.parse(readFileSync(path, 'utf8')) as Position;
    return Number.isInteger(value.segment) && Number.isInteger(value.offset) ? value : undefined;
  } catch {
    return undefined;
  }
}
