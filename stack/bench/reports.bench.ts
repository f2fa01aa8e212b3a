import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createV1Writer } from '../../lib/influx/v1-writer.ts';
import type { ReportFormat, StationMeta } from '../../lib/reports/model.ts';
import { closePrinters } from '../../lib/reports/render/pdf.ts';
import type { BenchSection } from '../../testkit/bench-section.ts';
import { influxQuery, startLocalInfluxd } from '../../testkit/influxd.ts';
import { cappedReport } from './reports-capped.ts';
import { BENCH_DB, benchStation, reportMonth } from './reports-month.ts';

// The full size (issue 16): 37 air stations x 31 days of 1-minute readings, about 1.65 million rows of
// the seven PP 22/2021 parameters. Smaller for a quick check: BENCH_REPORTS_STATIONS=3 BENCH_REPORTS_DAYS=2.
const STATIONS = Number(process.env.BENCH_REPORTS_STATIONS ?? 37);
const DAYS = Math.min(31, Number(process.env.BENCH_REPORTS_DAYS ?? 31));
const FORMAT_LIST = (process.env.BENCH_REPORTS_FORMATS ?? 'csv,pdf,xlsx').split(',') as ReportFormat[];
const DB = BENCH_DB;
const START = Date.UTC(2026, 8, 30, 17); // 2026-10-01 00:00 WIB
const BATCH = 5000;
/** The heap a fresh process gets for the same report: what a small host needs (BENCH_REPORTS_HEAP_MB). */
const HEAP_CAP_MB = Number(process.env.BENCH_REPORTS_HEAP_MB ?? 256);

function reading(station: number, t: number): string {
  const hour = (t / 3_600_000) % 24;
  const wave = Math.sin((hour / 24) * 2 * Math.PI) + 0.3 * Math.sin(t / 7_000_000 + station);
  const pm25 = 35 + 25 * wave + station;
  return (
    `air_quality,station=aq-bench-${String(station).padStart(2, '0')} pm25=${pm25.toFixed(1)},` +
    `pm10=${(pm25 * 1.7).toFixed(1)},so2=${(20 + 5 * wave).toFixed(1)},no2=${(40 + 15 * wave).toFixed(1)},` +
    `co=${(900 + 300 * wave).toFixed(0)},o3=${(60 + 30 * wave).toFixed(1)},hc=${(70 + 10 * wave).toFixed(1)},validity=0i ${t}`
  );
}

const section: BenchSection = {
  name: 'reports',
  order: 70,
  async run(log) {
    const influx = await startLocalInfluxd();
    const out = await mkdtemp(join(tmpdir(), 'bench-reports-'));
    try {
      await influxQuery(influx.url, `CREATE DATABASE "${DB}"`);
      const writer = createV1Writer({ url: influx.url, database: DB, timeoutMs: 60_000 });
      const stations: StationMeta[] = [];
      let rows = 0;
      const writeStarted = performance.now();
      for (let s = 1; s <= STATIONS; s++) {
        stations.push(benchStation(s));
        const end = START + DAYS * 86_400_000;
        let lines: string[] = [];
        const pending: Promise<void>[] = [];
        for (let t = START; t < end; t += 60_000) {
          lines.push(reading(s, t));
          if (lines.length === BATCH) {
            pending.push(writer.write(lines));
            lines = [];
            // Two writers in flight: influxd's storage is the limit on two cores.
            if (pending.length >= 2) await pending.shift();
          }
        }
        pending.push(writer.write(lines));
        await Promise.all(pending);
        rows += (end - START) / 60_000;
      }
      const writeS = (performance.now() - writeStarted) / 1000;
      log(`wrote ${rows} rows (${STATIONS} stations x ${DAYS} days) in ${writeS.toFixed(1)} s`);

      // The process wrote the month first: its RSS at the start is printed beside the peak, so the
      // report's own growth is the difference.
      const atStart = process.memoryUsage().rss;
      let peak = atStart;
      const sampler = setInterval(() => {
        peak = Math.max(peak, process.memoryUsage().rss);
      }, 50);
      const { files, buildS: built, totalS } = await reportMonth(influx.url, stations, FORMAT_LIST, out);
      clearInterval(sampler);
      peak = Math.max(peak, process.memoryUsage().rss);
      for (const f of files) log(`${f.format}: ${f.bytes} bytes`);
      log(
        `read and computed ${STATIONS} stations in ${built.toFixed(1)} s, all formats in ${totalS.toFixed(1)} s`,
      );
      const capped = await cappedReport(influx.url, STATIONS, FORMAT_LIST, out, HEAP_CAP_MB);
      log(
        `in a fresh process with --max-old-space-size=${HEAP_CAP_MB}: ${capped.ok ? 'done' : `failed (${capped.why})`} ` +
          `in ${capped.seconds.toFixed(1)} s, peak RSS ${capped.peakRssMb.toFixed(0)} MB`,
      );
      return {
        report_capped_heap_mb: HEAP_CAP_MB,
        report_capped_ok: capped.ok ? 1 : 0,
        report_capped_s: capped.seconds,
        report_capped_peak_rss_mb: capped.peakRssMb,
        report_rows: rows,
        report_write_s: writeS,
        report_read_build_s: built,
        report_air_monthly_s: totalS,
        report_rss_at_start_mb: atStart / 1_048_576,
        report_peak_rss_mb: peak / 1_048_576,
      };
    } finally {
      await closePrinters();
      await influx.stop();
      await rm(out, { recursive: true, force: true });
    }
  },
};
export default section;
