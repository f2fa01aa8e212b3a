import type { Logger } from '../../lib/log.ts';
import type { Records } from '../../lib/records/database.ts';
import type { LiveRegistry } from '../../lib/registry/live-registry.ts';
import { FORMATS } from '../../lib/reports/formats.ts';
import { registryStations, reportGenerator } from '../../lib/reports/generator.ts';
import { createInfluxSource } from '../../lib/reports/influx-source.ts';
import type { ReportGenerator } from '../../lib/reports/run.ts';
import { qaRecordsOf } from '../../lib/reports/source.ts';
import type { ConsoleConfig } from '../config.ts';

/**
 * "Generate now" in the console (issue 16): lib/reports over the console's InfluxDB login and its live
 * registry. Without a registry there are no stations to report on, so generating is off (503) while
 * stored runs still list and download. Runs the console left `running` when it stopped are failed now.
 */
export function consoleReports(
  config: ConsoleConfig,
  records: Records,
  registry: LiveRegistry | undefined,
  log: Logger,
): ReportGenerator | undefined {
  const cut = records.reportRuns.abandon(Date.now(), 'the console stopped during the run', [
    'console',
    'api',
  ]);
  if (cut > 0) log.warn({ runs: cut }, 'report runs cut off by a stop marked failed');
  if (!registry) return undefined;
  // A month of one station streams for longer than a chart's query: the reports' own timeout.
  const influx = { ...config.influx, timeoutMs: Math.max(config.influx.timeoutMs, 120_000) };
  return reportGenerator({
    formats: FORMATS,
    source: createInfluxSource({ influx, records: qaRecordsOf(records) }),
    stations: async () => registryStations(registry.devices()),
    agency: { name: config.reports.agency },
    now: Date.now,
  });
}
