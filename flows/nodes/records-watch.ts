import { existsSync } from 'node:fs';
import { readWindowsFile, watchWindowSource } from '../../lib/qa/window-source.ts';
import type { MaintenanceWindow } from '../../lib/qa/windows.ts';
import type { NodeInstance } from './red-types.ts';

export type RecordsWatch = { readonly windows: readonly MaintenanceWindow[]; close(): void };

const DAY_MS = 86_400_000;
// Readings reach the flows late after an outage (device time, up to the broker's queue): windows that
// ended a week ago still mute those. Windows starting within a day are listed ahead of time.
const LOOKBACK_MS = 7 * DAY_MS;
const LOOKAHEAD_MS = DAY_MS;
/** How often the file is stat'ed: a window an operator opens mutes within half a second. */
const CHECK_MS = 500;

/** The windows overlapping `[now - 7 d, now + 1 d)`, or undefined when there is no such file. */
export const readWindows = (path: string, now: number): MaintenanceWindow[] | undefined =>
  readWindowsFile(path, now - LOOKBACK_MS, now + LOOKAHEAD_MS);

/**
 * The records database for the alert engine: the ingest's cached, read-only window source
 * (lib/qa/window-source.ts), re-read when the file or its WAL changes, with the problems reported on the
 * node. No database (the console makes it on its first start) is no window; one that cannot be read
 * keeps the previous windows.
 */
export function watchRecords(
  path: string,
  node: Pick<NodeInstance, 'warn' | 'log'>,
  onChange: (windows: MaintenanceWindow[]) => void,
  clock: () => number = Date.now,
): RecordsWatch {
  if (!existsSync(path)) node.log(`records ${path} not found: no maintenance windows until it exists`);
  return watchWindowSource(path, {
    lookbackMs: LOOKBACK_MS,
    lookaheadMs: LOOKAHEAD_MS,
    checkMs: CHECK_MS,
    clock,
    onProblem: (message) => node.warn(message),
    onChange: (windows) => onChange([...windows]),
  });
}
