import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export type FolderLock = { release(): void };

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to another user; still alive.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/**
 * One broker per journal folder: two would append to and compact the same files and delete each
 * other's snapshots. The lock is a file holding the owner's pid; a lock left by a process that is
 * gone (a SIGKILL, a power cut) is taken over. A container restarted after a crash often gets the same
 * pid as before: a lock holding our own pid is ours. Two containers on one volume may both be pid 1,
 * which this cannot tell apart (broker/README.md, Limits).
 */
export function lockFolder(dir: string): FolderLock {
  const path = join(dir, 'LOCK');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(path, `${process.pid}\n`, { flag: 'wx' });
      return { release: () => rmSync(path, { force: true }) };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const owner = Number.parseInt(readOwner(path), 10);
    if (Number.isInteger(owner) && owner !== process.pid && isAlive(owner))
      throw new Error(`persistence folder ${dir} is in use by process ${owner} (${path})`);
    rmSync(path, { force: true });
  }
  throw new Error(`could not lock ${dir}: another process keeps taking ${path}`);
}

function readOwner(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}
