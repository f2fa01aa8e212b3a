import { readFileSync } from 'node:fs';
import type { Point } from '../../aggregate/points.ts';
import type { Decision } from '../../qa/states.ts';
import type { MaintenanceWindow } from '../../qa/windows.ts';
import type { Report, ReportPeriod, ReportType, StationData, StationMeta } from '../model.ts';
import { findReportType } from '../types/index.ts';

/** Reads the golden month written by generate.ts (the tests' data source; README.md beside it). */
const HERE = new URL('./', import.meta.url);
const MONTH_START = Date.UTC(2027, 0, 1) - 7 * 3_600_000;

type Fixture = {
  stations: (StationMeta & { intervalS: number })[];
  windows: MaintenanceWindow[];
  decisions: Decision[];
};

export function loadFixture(): Fixture {
  return JSON.parse(readFileSync(new URL('fixture.json', HERE), 'utf8')) as Fixture;
}

/** One station's readings as the data source gives them: a series of points per field. */
export function readSeries(station: string): Map<string, Point[]> {
  const [header, ...lines] = readFileSync(new URL(`${station}.csv`, HERE), 'utf8').trim().split('\n');
  const fields = (header as string).split(',').slice(1);
  const series = new Map<string, Point[]>(fields.map((f) => [f, []]));
  for (const line of lines) {
    const [minute, ...cells] = line.split(',');
    const ts = MONTH_START + Number(minute) * 60_000;
    cells.forEach((cell, i) => {
      if (cell === '') return;
      const [value, code] = cell.split('|');
      series.get(fields[i] as string)?.push([ts, Number(value), code === undefined ? 0 : Number(code)]);
    });
  }
  return series;
}

export function stationData(id: string): StationData {
  const f = loadFixture();
  const meta = f.stations.find((s) => s.id === id);
  if (!meta) throw new Error(`no test station ${id}`);
  const { intervalS, ...station } = meta;
  return {
    station,
    intervalS,
    series: readSeries(id),
    windows: f.windows.filter((w) => w.station === id),
    decisions: f.decisions.filter((d) => d.station === id),
  };
}

/** A WIB day (`2027-01-09`) or month (`2027-01`) as a report period. */
export function periodOf(label: string): ReportPeriod {
  const [y, m, d] = label.split('-').map(Number) as [number, number, number | undefined];
  const from = Date.UTC(y, m - 1, d ?? 1) - 7 * 3_600_000;
  const to = d === undefined ? Date.UTC(y, m, 1) - 7 * 3_600_000 : from + 86_400_000;
  return { label, from, to, unit: d === undefined ? 'month' : 'day' };
}

/** One station's report as a report would hold it, at a fixed generation time (the golden tests'). */
export function reportOf(type: ReportType, station: string, label: string): Report {
  const spec = findReportType(type);
  if (!spec) throw new Error(`no report type ${type}`);
  const period = periodOf(label);
  const section = spec.section(stationData(station), period);
  const total = section.states.validated + section.states.provisional + section.states.invalid;
  const share = (n: number) => (total > 0 ? n / total : 0);
  return {
    type,
    lang: 'id',
    title: `report.title.${type}`,
    period,
    generatedAt: Date.parse('2027-02-01T01:00:00Z'),
    agency: { name: 'DLHK Kota Depok' },
    standards: spec.standards,
    dataState: {
      validated: share(section.states.validated),
      provisional: share(section.states.provisional),
      invalid: share(section.states.invalid),
    },
    columns: spec.columns,
    sections: [section],
  };
}

