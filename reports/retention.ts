import { lstat, realpath, unlink } from 'node:fs/promises';
import { dirname, resolve, sep } from 'node:path';
import type { Logger } from '../lib/log.ts';
import type { AuditAction } from '../lib/records/audit.ts';
import type { Records } from '../lib/records/database.ts';
import type { ReportRun } from '../lib/records/report-runs.ts';

/**
 * Retention of the reports folder (REPORTS_RETENTION_DAYS, reports/README.md "Retention"): the files of
 * done runs that finished more than that many days ago are deleted; the run's row and its files' rows
 * with their SHA-256 stay, marked pruned, as the record of what was filed. Only regular files whose
 * real folder lies inside the reports folder are deleted: a path or a symbolic link that leads out of
 * it leaves the whole run untouched and is logged.
 */

export type PruneDeps = {
  records: Records;
  dir: string;
  days: number;
  now: () => number;
  log: Logger;
  audit: (runId: number, action: AuditAction, after: unknown) => void;
};

export type PruneResult = { pruned: number[]; refused: number[] };

const DAY_MS = 86_400_000;

const missing = (err: unknown) => (err as NodeJS.ErrnoException).code === 'ENOENT';

/** Whether `path` may be deleted: undefined when fine (or already gone), else why not. */
async function refusal(root: string, realRoot: string, path: string): Promise<string | undefined> {
  const file = resolve(root, path);
  if (!file.startsWith(root + sep)) return 'outside the reports folder';
  try {
    const folder = await realpath(dirname(file));
    if (folder !== realRoot && !folder.startsWith(realRoot + sep))
      return 'its folder leads outside the reports folder';
    const stat = await lstat(file);
    return stat.isFile() ? undefined : 'not a regular file';
  } catch (err) {
    if (missing(err)) return undefined;
    return (err as Error).message;
  }
}

async function pruneRun(root: string, realRoot: string, run: ReportRun): Promise<string | undefined> {
  for (const file of run.files) {
    const why = await refusal(root, realRoot, file.path);
    if (why) return `${file.path}: ${why}`;
  }
  for (const file of run.files) {
    try {
      await unlink(resolve(root, file.path));
    } catch (err) {
      if (!missing(err)) return `${file.path}: ${(err as Error).message}`;
    }
  }
  return undefined;
}

/** One pruning pass; `days` 0 keeps everything. */
export async function pruneReports(deps: PruneDeps): Promise<PruneResult> {
  const result: PruneResult = { pruned: [], refused: [] };
  if (deps.days <= 0) return result;
  const root = resolve(deps.dir);
  let realRoot: string;
  try {
    realRoot = await realpath(root);
  } catch (err) {
    if (missing(err)) return result; // no folder yet: nothing stored, nothing to prune
    throw err;
  }
  const before = deps.now() - deps.days * DAY_MS;
  for (const run of deps.records.reportRuns.prunable(before)) {
    const why = await pruneRun(root, realRoot, run);
    if (why) {
      result.refused.push(run.id);
      deps.log.error({ run: run.id, why }, 'report files not pruned');
      continue;
    }
    if (!deps.records.reportRuns.markPruned(run.id, deps.now())) continue;
    result.pruned.push(run.id);
    deps.audit(run.id, 'report_pruned', {
      retention_days: deps.days,
      files: run.files.map((f) => ({ path: f.path, sha256: f.sha256 })),
    });
  }
  if (result.pruned.length > 0 || result.refused.length > 0)
    deps.log.info(
      { pruned: result.pruned.length, refused: result.refused.length, days: deps.days },
      'reports folder pruned',
    );
  return result;
}
