import type { ReportFormat } from '../../lib/reports/model.ts';
import { closePrinters } from '../../lib/reports/render/pdf.ts';
import { benchStation, reportMonth } from './reports-month.ts';

// The benchmark's report in a process of its own, started by reports.bench.ts with a capped heap
// (--max-old-space-size): what a small host running `npm run report` or the reports service needs.
// Prints one JSON line with its times.
const [influxUrl = '', stations = '0', formats = 'csv', outDir = ''] = process.argv.slice(2);
const list = Array.from({ length: Number(stations) }, (_, i) => benchStation(i + 1));
try {
  const { buildS, totalS } = await reportMonth(influxUrl, list, formats.split(',') as ReportFormat[], outDir);
  console.log(JSON.stringify({ buildS, totalS }));
} finally {
  await closePrinters();
}
