import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { nodeBinary } from '../../lib/process/ports.ts';
import type { ReportFormat } from '../../lib/reports/model.ts';

const CHILD = join(import.meta.dirname, 'reports-child.ts');

/** The resident set of a process now, in MB (Linux /proc); 0 once it is gone. */
function rssMb(pid: number): number {
  try {
    const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb ? Number(kb) / 1024 : 0;
  } catch {
    return 0;
  }
}

/**
 * The benchmark's report in a fresh process whose heap is capped at `heapMb`, its RSS sampled every
 * 50 ms (Chromium, a process of its own, not counted). `ok` false: it ran out of heap or failed.
 */
export function cappedReport(
  influxUrl: string,
  stations: number,
  formats: ReportFormat[],
  outDir: string,
  heapMb: number,
): Promise<{ ok: boolean; why?: string; seconds: number; peakRssMb: number }> {
  const started = performance.now();
  return new Promise((resolve) => {
    let peak = 0;
    const child = execFile(
      nodeBinary(),
      [`--max-old-space-size=${heapMb}`, CHILD, influxUrl, String(stations), formats.join(','), outDir],
      { maxBuffer: 1 << 20, timeout: 300_000 },
      (err, _stdout, stderr) => {
        clearInterval(sampler);
        const seconds = (performance.now() - started) / 1000;
        const why = err
          ? stderr.trim().split('\n').slice(-3).join(' ').slice(0, 300) || err.message
          : undefined;
        resolve({ ok: !err, why, seconds, peakRssMb: peak });
      },
    );
    const sampler = setInterval(() => {
      if (child.pid) peak = Math.max(peak, rssMb(child.pid));
    }, 50);
  });
}
