import { FORMATS } from '../../lib/reports/formats.ts';
import { generateReport } from '../../lib/reports/generate.ts';
import { createInfluxSource } from '../../lib/reports/influx-source.ts';
import type { ReportFormat, StationMeta } from '../../lib/reports/model.ts';
import { checkRequest } from '../../lib/reports/request.ts';
import { NO_QA_RECORDS } from '../../lib/reports/source.ts';
import { reportTypes } from '../../lib/reports/types/index.ts';

// The benchmark's report: the air-monthly of the month reports.bench.ts wrote, in the formats asked.
// Shared by the section (in its own process) and reports-child.ts (a fresh process with a capped heap).

export const BENCH_DB = 'environment';
export const BENCH_PERIOD = '2026-10'; // 31 days

export const benchStation = (s: number): StationMeta => ({
  id: `aq-bench-${String(s).padStart(2, '0')}`,
  name: `Bench ${s}`,
  kind: 'air_quality',
});

/** Generates the month's report into `outDir`; `buildS` is when the last station was read and computed. */
export async function reportMonth(
  influxUrl: string,
  stations: StationMeta[],
  formats: ReportFormat[],
  outDir: string,
) {
  const check = checkRequest(
    { type: 'air-monthly', period: BENCH_PERIOD, stations: [], formats, lang: 'id' },
    { specs: reportTypes, formats: [...FORMATS.keys()], registry: stations, scope: {}, now: Date.now() },
  );
  if (!check.ok) throw new Error(`request refused: ${check.refusal.key}`);
  const started = performance.now();
  let buildS = 0;
  const { files } = await generateReport(check.value, {
    source: createInfluxSource({
      influx: { url: influxUrl, database: BENCH_DB, timeoutMs: 120_000 },
      records: NO_QA_RECORDS,
    }),
    formats: FORMATS,
    outDir,
    agency: { name: 'Dinas Lingkungan Hidup dan Kebersihan Kota Depok' },
    onStation: (p) => {
      if (p.done === p.total) buildS = (performance.now() - started) / 1000;
    },
  });
  return { files, buildS, totalS: (performance.now() - started) / 1000 };
}
