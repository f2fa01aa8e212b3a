import type { Writable } from 'node:stream';
import type { Spool } from './spool/spool.ts';

/**
 * Group commit: the readings of one event-loop turn go to the spool in one write, not one write each.
 * The MQTT socket is corked from the first of them until that write has returned, so the PUBACKs mqtt.js
 * queues meanwhile leave the process only after their readings are on disk: durable before
 * acknowledged still holds, with one spool write and one socket write per turn. If the write fails the
 * socket is destroyed still corked, so none of those PUBACKs is ever sent and the broker redelivers.
 */
export class GroupCommit {
  readonly #spool: Spool;
  readonly #onWritten: () => void;
  readonly #onFailed: (err: Error) => void;
  #entries: Buffer[] = [];
  #afterWrite: (() => void)[] = [];
  #corked: Writable | undefined;
  #scheduled = false;

  constructor(spool: Spool, events: { onWritten(): void; onFailed(err: Error): void }) {
    this.#spool = spool;
    this.#onWritten = events.onWritten;
    this.#onFailed = events.onFailed;
  }

  /** Queues entries for this turn's write; `afterWrite` runs once they are in the spool. */
  add(socket: Writable | undefined, entries: readonly Buffer[], afterWrite: () => void): void {
    if (!this.#corked && socket && !socket.destroyed) {
      socket.cork();
      this.#corked = socket;
    }
    for (const entry of entries) this.#entries.push(entry);
    this.#afterWrite.push(afterWrite);
    if (!this.#scheduled) {
      this.#scheduled = true;
      // setImmediate runs after every packet mqtt.js has parsed from the socket so far (nextTick hops).
      setImmediate(() => this.flush());
    }
  }

  flush(): void {
    this.#scheduled = false;
    const socket = this.#corked;
    const entries = this.#entries;
    const afterWrite = this.#afterWrite;
    this.#corked = undefined;
    this.#entries = [];
    this.#afterWrite = [];
    try {
      if (entries.length > 0) this.#spool.append(entries);
    } catch (err) {
      socket?.destroy();
      this.#onFailed(err as Error);
      return;
    }
    for (const run of afterWrite) run();
    this.#onWritten();
    socket?.uncork();
  }
}
