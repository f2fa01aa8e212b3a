import { existsSync, statSync } from 'node:fs';
import { DatabaseSync } from 'node:sqlite';
import { MaintenanceRepo, toWindow } from '../records/maintenance.ts';
import { type MaintenanceWindow, maintenanceLookup } from './windows.ts';

/**
 * The maintenance windows of a records database (lib/records), for a service that only reads them (the
 * ingest's validity stage): a cached set and its lookup, so a reading costs a map look-up and never a
 * SQL query. The file is opened read-only for each read and closed at once: no migration runs, a missing
 * file is never created, and the owner (the console, `npm run qa`) is never blocked (WAL mode).
 *
 * Re-read cheaply: every `checkMs` the database and its `-wal` file are stat'ed, and the windows read
 * again only when either changed, or when `maxAgeMs` passed (the listed time span moves with the clock).
 */
export type WindowSourceOptions = {
  /** Windows ending before `now - lookbackMs` are not listed (the oldest device time accepted). */
  lookbackMs: number;
  /** Windows starting after `now + lookaheadMs` are not listed yet. */
  lookaheadMs: number;
  checkMs?: number;
  maxAgeMs?: number;
  clock?: () => number;
  /** Told once per distinct problem (a file that cannot be read); the previous windows are kept. */
  onProblem?: (message: string) => void;
  /** Told after each read that changed the set. */
  onChange?: (windows: readonly MaintenanceWindow[]) => void;
};

export type WindowSource = {
  /** Whether station/field is in a window at device time `t`, from the cached set. */
  inWindow(station: string, field: string, t: number): boolean;
  readonly windows: readonly MaintenanceWindow[];
  /** Checks the file now (the timer does it every `checkMs`); true when the set changed. */
  refresh(): boolean;
  close(): void;
};

export const CHECK_MS = 2_000;
export const MAX_AGE_MS = 60_000;
const MAX_WINDOWS = 100_000;

/** The windows overlapping `[from, to)`, or undefined when there is no such file. Throws on a bad file. */
export function readWindowsFile(path: string, from: number, to: number): MaintenanceWindow[] | undefined {
  if (!existsSync(path)) return undefined;
  const db = new DatabaseSync(path, { readOnly: true });
  try {
    db.exec('PRAGMA busy_timeout = 2000');
    return new MaintenanceRepo(db).list({ from, to, limit: MAX_WINDOWS }).map(toWindow);
  } finally {
    db.close();
  }
}

/** size and mtime of the database and its WAL: SQLite appends a commit to the WAL first. */
function fingerprint(path: string): string {
  const part = (p: string) => {
    const s = statSync(p, { throwIfNoEntry: false });
    return s ? `${s.size}:${s.mtimeMs}` : '-';
  };
  return `${part(path)}|${part(`${path}-wal`)}`;
}

export function watchWindowSource(path: string, options: WindowSourceOptions): WindowSource {
  const clock = options.clock ?? Date.now;
  let windows: MaintenanceWindow[] = [];
  let lookup: (station: string, field: string, t: number) => boolean = () => false;
  let seen: string | undefined;
  let readAt = Number.NEGATIVE_INFINITY;
  let problem: string | undefined;

  const refresh = (): boolean => {
    const now = clock();
    const print = fingerprint(path);
    if (print === seen && now - readAt < (options.maxAgeMs ?? MAX_AGE_MS)) return false;
    let next: MaintenanceWindow[];
    try {
      next = readWindowsFile(path, now - options.lookbackMs, now + options.lookaheadMs) ?? [];
    } catch (err) {
      const text = `records ${path} unreadable, keeping ${windows.length} maintenance windows: ${(err as Error).message}`;
      if (text !== problem) options.onProblem?.(text);
      problem = text;
      return false; // `seen` unchanged: the next check tries again
    }
    problem = undefined;
    seen = print;
    readAt = now;
    if (JSON.stringify(next) === JSON.stringify(windows)) return false;
    windows = next;
    lookup = maintenanceLookup(windows);
    options.onChange?.(windows);
    return true;
  };

  refresh();
  const timer = setInterval(refresh, options.checkMs ?? CHECK_MS);
  timer.unref();
  return {
    inWindow: (station, field, t) => lookup(station, field, t),
    get windows() {
      return windows;
    },
    refresh,
    close: () => clearInterval(timer),
  };
}
