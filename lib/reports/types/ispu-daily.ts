import { MIN_COVERAGE, meetsCoverage } from '../../aggregate/coverage.ts';
import { type SubIndex, subIndex } from '../../aggregate/ispu.ts';
import { addToBuckets, type MeanState, newMeanState, windowMean } from '../../aggregate/rolling.ts';
import { ispuTables } from '../../standards/index.ts';
import type { Column, ReportPeriod, ReportRow, ReportTypeSpec, StationData } from '../model.ts';
import {
  countedPoints,
  fieldCapture,
  maintenanceNotes,
  newStates,
  row,
  stationCapture,
  tallyStates,
  validSamples,
  wibIso,
} from './common.ts';

/**
 * The daily ISPU bulletin (Permen LHK P.14/2020): per air station and WIB hour, the PM2.5 ISPU from its
 * 24 h mean, as the flows' ISPU rule publishes it (the same rolling window, lib/aggregate/rolling.ts,
 * an hour counting with any valid reading and the window with 75 % of its hours), its category, and the
 * dominant pollutant: the highest sub-index among the ISPU parameters the station measures, each from
 * its own 24 h mean at that hour. The regulation's bulletin hours (09:00 and 15:00 WIB, standards.json
 * `reporting`) are marked. Row `period` is the end of the hour the value is for, as the rule stamps it.
 */
const STANDARD = 'id-ID-ispu-2020';
const HOUR = 3_600_000;
const WINDOW = 24 * HOUR;
const BULLETIN_HOURS = new Set([9, 15]);
const PARAMETERS = ['pm25', 'pm10', 'so2', 'co', 'o3', 'no2', 'hc'] as const;

const columns: Column[] = [
  { key: 'unit', label: 'report.column.unit', format: 'text' },
  { key: 'mean_24h', label: 'report.column.mean_24h', format: 'number', decimals: 1, unitFromRow: true },
  { key: 'ispu', label: 'report.column.ispu', format: 'integer' },
  { key: 'category', label: 'report.column.category', format: 'ispu-category' },
  { key: 'dominant', label: 'report.column.dominant', format: 'text' },
  { key: 'dominant_ispu', label: 'report.column.dominant_ispu', format: 'integer' },
  { key: 'bulletin', label: 'report.column.bulletin', format: 'text' },
  { key: 'window_capture', label: 'report.column.window_capture', format: 'percent' },
];

/** The category's catalogue id (`ispu.<id>`): "Tidak Sehat" -> `tidak_sehat`. */
export const categoryId = (category: string) => category.toLowerCase().replaceAll(' ', '_');

type Hourly = { mean: number; coverage: number; sub: SubIndex | undefined };

function hourlySubIndices(data: StationData, period: ReportPeriod, parameter: string): Map<number, Hourly> {
  const table = ispuTables().get(parameter);
  const out = new Map<number, Hourly>();
  if (!table) return out;
  const valid = validSamples(countedPoints(data, parameter, period.from - WINDOW, period.to));
  const state: MeanState = newMeanState();
  let i = 0;
  for (let end = period.from + HOUR; end <= period.to; end += HOUR) {
    for (; i < valid.length && (valid[i] as { ts: number }).ts < end; i++) {
      const s = valid[i] as { ts: number; value: number };
      addToBuckets(state, WINDOW, s.ts, s.value);
    }
    const m = windowMean(state, WINDOW, end - 1);
    if (!m) continue;
    const counts = meetsCoverage(m.coverage, 1, MIN_COVERAGE);
    out.set(end, { mean: m.mean, coverage: m.coverage, sub: counts ? subIndex(table, m.mean) : undefined });
  }
  return out;
}

function section(data: StationData, period: ReportPeriod) {
  const measured = PARAMETERS.filter((p) => (data.series.get(p)?.length ?? 0) > 0);
  const byParameter = new Map(measured.map((p) => [p, hourlySubIndices(data, period, p)] as const));
  const pm25 = byParameter.get('pm25') ?? new Map<number, Hourly>();
  const rows: ReportRow[] = [];
  for (let end = period.from + HOUR; end <= period.to; end += HOUR) {
    const own = pm25.get(end);
    let dominant: SubIndex | undefined;
    for (const p of measured) {
      const sub = byParameter.get(p)?.get(end)?.sub;
      if (sub && (!dominant || sub.index > dominant.index)) dominant = sub;
    }
    const wibHour = new Date(end + 7 * HOUR).getUTCHours();
    rows.push(
      row(data, 'pm25', wibIso(end), {
        unit: 'ug/m3',
        mean_24h: own?.sub ? own.mean : null,
        ispu: own?.sub?.index ?? null,
        category: own?.sub ? categoryId(own.sub.category) : null,
        dominant: dominant?.parameter ?? null,
        dominant_ispu: dominant?.index ?? null,
        bulletin: BULLETIN_HOURS.has(wibHour) ? `${String(wibHour).padStart(2, '0')}:00` : '',
        window_capture: own ? own.coverage * 100 : 0,
      }),
    );
  }
  const states = newStates();
  const captures = measured.map((p) => {
    tallyStates(states, data, p, period);
    return fieldCapture(data, p, period, countedPoints(data, p, period.from, period.to));
  });
  return {
    station: data.station,
    rows,
    capture: stationCapture(captures),
    notes: maintenanceNotes(data, period),
    states,
  };
}

export const ispuDaily: ReportTypeSpec = {
  type: 'ispu-daily',
  kind: 'air_quality',
  unit: 'day',
  standards: [STANDARD],
  fields: PARAMETERS,
  lookbackMs: WINDOW,
  columns,
  section,
};
