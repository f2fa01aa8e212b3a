import { existsSync, type FSWatcher, watch } from 'node:fs';
import { basename, dirname } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import type { MaintenanceWindow } from '../../lib/qa/windows.ts';
import { MaintenanceRepo, toWindow } from '../../lib/records/maintenance.ts';
import type { NodeInstance } from './red-types.ts';

export type RecordsWatch = { windows: MaintenanceWindow[]; close(): void };

const DAY_MS = 86_400_000;
/** Re-read this often even without a file event (a window that starts is already listed; this catches a
 * watch that missed an event, a folder created later, a database restored from a backup). */
export const REREAD_MS = 60_000;
const DEBOUNCE_MS = 100;
// Readings reach the flows late after an outage (device time, up to the broker's queue): windows that
// ended a week ago still mute those. Windows starting within a day are listed ahead of time.
const LOOKBACK_MS = 7 * DAY_MS;
const LOOKAHEAD_MS = DAY_MS;
const MAX_WINDOWS = 100_000;

/**
 * The maintenance windows of the records database (lib/records, `maintenance_windows`) overlapping
 * `[now - 7 d, now + 1 d)`. Opened read-only for each read and closed at once: the console and the qa
 * CLI own the file (WAL mode: reading never blocks them), and a database restored in its place is read
 * as it is. Undefined when there is no such file.
 */
export function readWindows(path: string, now: number): MaintenanceWindow[] | undefined {
  if (!existsSync(path)) return undefined;
  const db = new DatabaseSync(path, { readOnly: true });
  try {
    db.exec('PRAGMA busy_timeout = 2000');
    const rows = new MaintenanceRepo(db).list({
      from: now - LOOKBACK_MS,
      to: now + LOOKAHEAD_MS,
      limit: MAX_WINDOWS,
    });
    return rows.map(toWindow);
  } finally {
    db.close();
  }
}

/**
 * The records database for the alert engine, as `watchRegistry` does for the registry: read at start,
 * again when the file or its WAL changes (the folder is watched: SQLite writes the `-wal` file first)
 * and every minute. No database (not created yet: the console makes it on its first start) is no
 * window; a database that cannot be read (no such table before its migrations, a broken file) keeps
 * the previous windows and is reported on the node, once per distinct problem.
 */
export function watchRecords(
  path: string,
  node: Pick<NodeInstance, 'warn' | 'log'>,
  onChange: (windows: MaintenanceWindow[]) => void,
  clock: () => number = Date.now,
): RecordsWatch {
  let windows: MaintenanceWindow[] = [];
  let seen = '[]';
  let problem: string | undefined;
  let watcher: FSWatcher | undefined;
  let debounce: NodeJS.Timeout | undefined;

  const read = (): boolean => {
    let next: MaintenanceWindow[] | undefined;
    try {
      next = readWindows(path, clock());
    } catch (err) {
      const text = `records ${path} unreadable, keeping ${windows.length} maintenance windows: ${(err as Error).message}`;
      if (text !== problem) node.warn(text);
      problem = text;
      return false;
    }
    if (next === undefined && problem !== 'missing') {
      node.log(`records ${path} not found: no maintenance windows until it exists`);
      problem = 'missing';
    } else if (next !== undefined) problem = undefined;
    const text = JSON.stringify(next ?? []);
    if (text === seen) return false;
    seen = text;
    windows = next ?? [];
    return true;
  };
  const reread = () => {
    if (!watcher) watchFolder();
    if (read()) onChange(windows);
  };
  const base = basename(path);
  function watchFolder() {
    try {
      watcher = watch(dirname(path), (_event, file) => {
        if (file !== base && file !== `${base}-wal`) return;
        clearTimeout(debounce);
        debounce = setTimeout(reread, DEBOUNCE_MS);
      });
      watcher.on('error', () => {
        watcher?.close();
        watcher = undefined;
      });
    } catch {
      watcher = undefined; // no folder yet: the minute's re-read tries again
    }
  }

  watchFolder();
  read();
  const timer = setInterval(reread, REREAD_MS);
  timer.unref();
  return {
    get windows() {
      return windows;
    },
    close() {
      clearInterval(timer);
      clearTimeout(debounce);
      watcher?.close();
    },
  };
}
