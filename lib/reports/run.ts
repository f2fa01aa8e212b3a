import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { Scope } from '../records/access.ts';
import type { Records } from '../records/database.ts';
import type { ReportRun, RunFile, RunVia } from '../records/report-runs.ts';
import type { ReportFormat, ReportRequest } from './model.ts';

/**
 * One report run, recorded (issue 16): the scheduler (reports/) and the console (dashboards/) both
 * start runs, so the bookkeeping lives here. A run is a row `running` from the start, `done` with its
 * files and their SHA-256, or `failed` with the message; its files are written into a folder of its
 * own first and moved into `<reports>/<yyyy>/` only when all of them exist, so a failed run leaves no
 * partial file and two runs of the same period never overwrite each other (`<id>-<name>`).
 */

/** What a generator made: the stations the report covers and its files (absolute paths). */
export type Generated = {
  stations: string[];
  files: { format: string; path: string; bytes: number; sha256: string }[];
};

/**
 * Generates the report into `outDir` (lib/reports/generate.ts `generateReport` behind it). `scope` is
 * the requester's: an empty station list means every station of the type they may see.
 */
export type Generate = (
  request: ReportRequest,
  options: { formats: ReportFormat[]; outDir: string; scope: Scope },
) => Promise<Generated>;

/** A request refused before anything is read: the catalogue key and values (lib/reports/request.ts). */
export type ReportRefusal = { key: string; params: Record<string, string> };

/** Checks a request as the generator will (registry, kind, scope, period, formats); undefined: fine. */
export type CheckReport = (
  request: ReportRequest,
  formats: ReportFormat[],
  scope: Scope,
) => Promise<ReportRefusal | undefined>;

export type ReportGenerator = { check: CheckReport; generate: Generate };

export type RunDeps = { records: Records; dir: string; generate: Generate; now: () => number };
export type Requester = { name: string; via: RunVia; scope: Scope };

export const sha256Hex = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** Starts the run's row now and returns its id with the promise of its end (never rejects). */
export function startRun(
  request: ReportRequest,
  formats: ReportFormat[],
  who: Requester,
  deps: RunDeps,
): { id: number; finished: Promise<ReportRun> } {
  const id = deps.records.reportRuns.start({
    type: request.type,
    period: request.period,
    stations: request.stations,
    lang: request.lang,
    formats,
    requested_by: who.name,
    via: who.via,
    started_at: deps.now(),
  });
  const finished = generateInto(id, request, formats, who, deps).then(
    ({ stations, files }) => {
      deps.records.reportRuns.done(id, deps.now(), stations, files);
      return deps.records.reportRuns.get(id) as ReportRun;
    },
    (err: Error) => {
      deps.records.reportRuns.failed(id, deps.now(), err.message || String(err));
      return deps.records.reportRuns.get(id) as ReportRun;
    },
  );
  return { id, finished };
}

/** Runs the report and waits for its end. */
export async function runReport(
  request: ReportRequest,
  formats: ReportFormat[],
  who: Requester,
  deps: RunDeps,
): Promise<ReportRun> {
  return startRun(request, formats, who, deps).finished;
}

async function generateInto(
  id: number,
  request: ReportRequest,
  formats: ReportFormat[],
  who: Requester,
  deps: RunDeps,
): Promise<{ stations: string[]; files: RunFile[] }> {
  const year = request.period.slice(0, 4);
  const staging = join(deps.dir, '.staging', `run-${id}`);
  await mkdir(staging, { recursive: true, mode: 0o700 });
  try {
    const made = await deps.generate(request, { formats, outDir: staging, scope: who.scope });
    await mkdir(join(deps.dir, year), { recursive: true, mode: 0o700 });
    const files: RunFile[] = [];
    try {
      for (const file of made.files) {
        const name = `${id}-${basename(file.path)}`;
        await rename(file.path, join(deps.dir, year, name));
        files.push({ format: file.format, path: `${year}/${name}`, bytes: 0, sha256: '' });
        // Hashed again from the disk: the stored checksum is that of the bytes a download will send.
        const bytes = await readFile(join(deps.dir, year, name));
        files[files.length - 1] = {
          ...(files.at(-1) as RunFile),
          bytes: bytes.length,
          sha256: sha256Hex(bytes),
        };
      }
    } catch (err) {
      await Promise.all(files.map((f) => rm(join(deps.dir, f.path), { force: true })));
      throw err;
    }
    return { stations: made.stations, files };
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}
