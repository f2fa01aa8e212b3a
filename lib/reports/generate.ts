import { createHash } from 'node:crypto';
import { mkdir, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { type FileOps, realFileOps, writeFileAtomic } from './atomic-file.ts';
import type { DataState, FormatSpec, Report, ReportFormat, StationData, StationSection } from './model.ts';
import type { CheckedRequest } from './request.ts';
import type { StationSource } from './source.ts';

export type GenerateProgress = { done: number; total: number; station: string };

export type GenerateDeps = {
  source: StationSource;
  formats: ReadonlyMap<ReportFormat, FormatSpec>;
  /** Folder the files go to (created when missing). */
  outDir: string;
  agency: Report['agency'];
  now?: () => number;
  /** Called after each station's section is built. */
  onStation?: (progress: GenerateProgress) => void;
  fileOps?: FileOps;
};

export type GeneratedFile = { format: ReportFormat; path: string; bytes: number; sha256: string };

/** `<type>_<period>[_<station>]_<lang>.<ext>`: the station only when the report covers one. */
export function reportFileName(checked: CheckedRequest, extension: string): string {
  const { type, period, lang } = checked.request;
  const station = checked.stations.length === 1 ? `_${checked.stations[0]?.id}` : '';
  return `${type}_${period}${station}_${lang}.${extension.replace(/^\./, '')}`;
}

/** The report's share of values in each state, from its sections' counts (zeros without data). */
export function dataStateOf(sections: readonly StationSection[]): DataState {
  const sum = { validated: 0, provisional: 0, invalid: 0 };
  for (const { states } of sections) {
    sum.validated += states.validated;
    sum.provisional += states.provisional;
    sum.invalid += states.invalid;
  }
  const total = sum.validated + sum.provisional + sum.invalid;
  if (total === 0) return sum;
  return {
    validated: sum.validated / total,
    provisional: sum.provisional / total,
    invalid: sum.invalid / total,
  };
}

/** Builds the report station by station (one station's data in memory at a time). */
export async function buildReport(checked: CheckedRequest, deps: GenerateDeps): Promise<Report> {
  const { spec, period, stations } = checked;
  const sections: StationSection[] = [];
  // The next station is read while this one is computed: influxd answers in its own process, so the
  // two overlap on two cores. At most two stations' data are in memory at once.
  const read = (i: number) => {
    const station = stations[i];
    if (!station) return undefined;
    const reading = deps.source.read(station, spec, period);
    reading.catch(() => {}); // awaited below; an unawaited prefetch must not crash the process first
    return reading;
  };
  let next = read(0);
  for (const [i, station] of stations.entries()) {
    const data = await (next as Promise<StationData>);
    next = read(i + 1);
    sections.push(spec.section(data, period));
    deps.onStation?.({ done: i + 1, total: stations.length, station: station.id });
  }
  return {
    type: spec.type,
    lang: checked.request.lang,
    title: `report.title.${spec.type}`,
    period,
    generatedAt: (deps.now ?? Date.now)(),
    agency: deps.agency,
    standards: spec.standards,
    dataState: dataStateOf(sections),
    columns: spec.columns,
    sections,
  };
}

/**
 * A checked request (lib/reports/request.ts) to files: the report built, then every format rendered to
 * bytes before the first file is written, then each written atomically. A failure anywhere leaves no
 * file of this run: a render failure writes nothing, a write failure removes the files already written.
 */
export async function generateReport(
  checked: CheckedRequest,
  deps: GenerateDeps,
): Promise<{ report: Report; files: GeneratedFile[] }> {
  const specs = checked.formats.map((format) => {
    const spec = deps.formats.get(format);
    if (!spec) throw new Error(`format ${format} is not registered`);
    return spec;
  });
  const report = await buildReport(checked, deps);
  const rendered: { spec: FormatSpec; bytes: Uint8Array }[] = [];
  for (const spec of specs) rendered.push({ spec, bytes: await spec.render(report) });

  await mkdir(deps.outDir, { recursive: true });
  const files: GeneratedFile[] = [];
  try {
    for (const { spec, bytes } of rendered) {
      const path = join(deps.outDir, reportFileName(checked, spec.extension));
      await writeFileAtomic(path, bytes, deps.fileOps ?? realFileOps);
      files.push({
        format: spec.format,
        path,
        bytes: bytes.byteLength,
        sha256: createHash('sha256').update(bytes).digest('hex'),
      });
    }
  } catch (err) {
    for (const file of files) await unlink(file.path).catch(() => {});
    throw err;
  }
  return { report, files };
}
