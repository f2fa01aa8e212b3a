import { resolve } from 'node:path';
import { type FolderLock, lockFolder } from '../../lib/folder-lock.ts';

/**
 * Folders this process has locked. lib/folder-lock.ts takes a lock file holding our own pid as ours (a
 * container restarted after a crash gets the same pid), so a second spool opened in this very process on
 * the same folder is refused here instead.
 */
const held = new Set<string>();

/** Stops start-up: the spool folder has another writer (issue 13, item 3). */
export class SpoolInUseError extends Error {
  override name = 'SpoolInUseError';
  readonly code = 'SPOOL_IN_USE';
  readonly hint =
    'each ingest worker needs its own INGEST_SPOOL_DIR: stop the other worker, or give this one another folder';
  readonly dir: string;
  readonly owner: number;

  constructor(dir: string, owner: number) {
    super(`the ingest spool ${dir} is in use by process ${owner}: another ingest worker writes to it`);
    this.dir = dir;
    this.owner = owner;
  }
}

/** One writer per spool folder, like the broker's journal: two would append to the same segment. */
export function lockSpool(dir: string): FolderLock {
  const path = resolve(dir);
  if (held.has(path)) throw new SpoolInUseError(dir, process.pid);
  let lock: FolderLock;
  try {
    lock = lockFolder(dir);
  } catch (err) {
    // lib/folder-lock.ts names the owner in its message: "... is in use by process <pid> (...)".
    const owner = /in use by process (\d+)/.exec((err as Error).message)?.[1];
    throw owner ? new SpoolInUseError(dir, Number(owner)) : err;
  }
  held.add(path);
  return {
    release() {
      held.delete(path);
      lock.release();
    },
  };
}
