import type { Dirent, Stats } from 'node:fs';
import { chmod, lstat, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from './log.ts';

/** What `enforcePrivate` changed: modes fixed, and entries it could not fix (owned by someone else). */
export type PrivateReport = { folders: number; files: number; failed: number };

// Group and other permission bits. Owner bits are kept, so an executable (a Node-RED module's
// script in its user folder) stays executable and a file the operator made 0400 stays read-only.
const GROUP_OTHER = 0o077;

/**
 * Makes a state folder private to the user running the service: group and other access is removed
 * from the folder and everything under it (folders end up 0700, our files 0600). A mode given when a
 * file is created does nothing for files an older version wrote, a backup restored or `cp` made with
 * a umask of 022, so every service that owns state runs this at start.
 *
 * `root` itself is followed if it is a symlink (the operator named it); links under it are neither
 * followed nor changed, and sockets or FIFOs are left alone. A missing root is nothing to fix. Only
 * counts and paths are logged, never contents.
 */
export async function enforcePrivate(root: string, log?: Logger): Promise<PrivateReport> {
  const report: PrivateReport = { folders: 0, files: 0, failed: 0 };
  const examples: string[] = []; // a few failed paths for the log, not thousands
  const failed = (path: string, err: unknown) => {
    report.failed++;
    if (examples.length < 5) examples.push(`${path} (${(err as NodeJS.ErrnoException).code})`);
  };
  let top: Stats;
  try {
    top = await stat(root);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return report;
    throw err;
  }
  const fix = async (path: string, st: Stats) => {
    const mode = st.mode & 0o7777;
    if ((mode & GROUP_OTHER) === 0) return;
    try {
      await chmod(path, mode & ~GROUP_OTHER);
      if (st.isDirectory()) report.folders++;
      else report.files++;
    } catch (err) {
      failed(path, err);
    }
  };

  await fix(root, top);
  // Iterative walk, so a deep tree cannot overflow the stack; one folder's entries at a time.
  const folders = top.isDirectory() ? [root] : [];
  for (let dir = folders.pop(); dir !== undefined; dir = folders.pop()) {
    let entries: Dirent[];
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (err) {
      failed(dir, err);
      continue;
    }
    await Promise.all(
      entries.map(async (entry) => {
        if (!entry.isDirectory() && !entry.isFile()) return; // symlinks, sockets, FIFOs
        const path = join(dir, entry.name);
        // lstat, not stat: an entry swapped for a link since readdir is skipped, not followed.
        const st = await lstat(path).catch(() => undefined);
        if (!st || (!st.isDirectory() && !st.isFile())) return;
        await fix(path, st);
        if (st.isDirectory()) folders.push(path);
      }),
    );
  }

  if (report.folders + report.files > 0)
    log?.info({ dir: root, ...report }, 'state folder made private: group and other access removed');
  if (report.failed > 0)
    log?.warn(
      { dir: root, failed: report.failed, examples },
      'state folder: some entries could not be made private',
    );
  return report;
}
