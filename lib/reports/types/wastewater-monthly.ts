import { dailyMeans } from '../../aggregate/means.ts';
import type { Sample } from '../../aggregate/points.ts';
import { findKind } from '../../catalogue/index.ts';
import type { Column, ReportPeriod, ReportRow, ReportTypeSpec, StationData } from '../model.ts';
import {
  countedPoints,
  fieldCapture,
  type Limit,
  limitsOf,
  maintenanceNotes,
  maxOf,
  newStates,
  row,
  stationCapture,
  tallyStates,
  validSamples,
  withinLimit,
} from './common.ts';

/**
 * Permen LHK P.68/2016 (domestic wastewater, Lampiran I) per outfall over a WIB month: each parameter's
 * compliance rate, the share of its valid readings within the standard (of its daily means where the
 * standard is a daily or monthly limit; pH is a range), exceedance events (consecutive exceeding valid
 * readings are one event), the month's flow volume, capture, and the maintenance periods as notes.
 * The standard's flow limit is per person and day: without the served population it is not judged,
 * only the volume is reported.
 */
const STANDARD = 'id-ID-permenlhk-p68-2016-domestic-wastewater';
const PARAMETERS = ['ph', 'bod', 'cod', 'tss', 'nh3n', 'oil_grease', 'total_coliform'] as const;
const FIELDS = [...PARAMETERS, 'flow'] as const;
const DAILY_AVERAGINGS = new Set(['daily', '24h', 'monthly', '1mo']);

const columns: Column[] = [
  { key: 'unit', label: 'report.column.unit', format: 'text' },
  { key: 'limit_min', label: 'report.column.limit_min', format: 'number', decimals: 1, unitFromRow: true },
  { key: 'limit_max', label: 'report.column.limit_max', format: 'number', decimals: 1, unitFromRow: true },
  { key: 'judged', label: 'report.column.judged', format: 'integer' },
  { key: 'compliance', label: 'report.column.compliance', format: 'percent' },
  { key: 'events', label: 'report.column.events', format: 'integer' },
  { key: 'max', label: 'report.column.max', format: 'number', decimals: 2, unitFromRow: true },
  { key: 'volume_m3', label: 'report.column.volume_m3', format: 'number', decimals: 1 },
  { key: 'capture', label: 'report.column.capture', format: 'percent' },
];

/** Cubic metres per second for one flow unit per the catalogue (lib/catalogue/fields.ts `flow`). */
const M3_PER_S: Record<string, number> = { 'L/s': 0.001, 'm3/s': 1, 'm3/h': 1 / 3600, 'L/min': 0.001 / 60 };

/**
 * Volume over the month: the trapezoid between consecutive valid readings no further apart than
 * three intervals; a longer gap is unknown flow and adds nothing (the capture column says how much).
 */
export function volumeM3(valid: readonly Sample[], intervalS: number, unit: string): number {
  const factor = M3_PER_S[unit];
  if (factor === undefined) throw new Error(`flow unit ${unit} has no conversion to m3/s`);
  const maxGapMs = 3 * intervalS * 1000;
  let volume = 0;
  for (let i = 1; i < valid.length; i++) {
    const a = valid[i - 1] as Sample;
    const b = valid[i] as Sample;
    const dt = b.ts - a.ts;
    if (dt <= maxGapMs) volume += ((a.value + b.value) / 2) * (dt / 1000) * factor;
  }
  return volume;
}

/** Runs of consecutive exceeding values: each run is one event. */
export function events(values: readonly number[], limit: Limit): number {
  let count = 0;
  let inside = true;
  for (const v of values) {
    const ok = withinLimit(v, limit);
    if (!ok && inside) count++;
    inside = ok;
  }
  return count;
}

function parameterRow(data: StationData, period: ReportPeriod, parameter: string): ReportRow {
  const points = countedPoints(data, parameter, period.from, period.to);
  const [limit] = limitsOf(STANDARD, parameter) as [Limit];
  const daily = DAILY_AVERAGINGS.has(limit.averaging);
  const values = daily
    ? dailyMeans(points, { intervalS: data.intervalS, from: period.from, to: period.to })
        .map((d) => d.mean)
        .filter((m): m is number => m !== null)
    : validSamples(points).map((s) => s.value);
  const within = values.filter((v) => withinLimit(v, limit)).length;
  return row(data, parameter, period.label, {
    unit: fieldUnit(parameter),
    limit_min: limit.min,
    limit_max: limit.max,
    judged: values.length,
    compliance: values.length > 0 ? (within / values.length) * 100 : null,
    events: events(values, limit),
    max: maxOf(values),
    volume_m3: null,
    capture: fieldCapture(data, parameter, period, points)?.capture ?? null,
  });
}

const fieldUnit = (field: string) => findKind('wastewater')?.fields[field]?.unit ?? null;

function flowRow(data: StationData, period: ReportPeriod): ReportRow {
  const points = countedPoints(data, 'flow', period.from, period.to);
  const valid = validSamples(points);
  const unit = fieldUnit('flow') ?? 'L/s';
  return row(data, 'flow', period.label, {
    unit,
    limit_min: null,
    limit_max: null,
    judged: null,
    compliance: null,
    events: null,
    max: maxOf(valid.map((s) => s.value)),
    volume_m3: valid.length > 1 ? volumeM3(valid, data.intervalS, unit) : null,
    capture: fieldCapture(data, 'flow', period, points)?.capture ?? null,
  });
}

function section(data: StationData, period: ReportPeriod) {
  const measured = FIELDS.filter((p) => (data.series.get(p)?.length ?? 0) > 0);
  const states = newStates();
  const captures = measured.map((p) => {
    tallyStates(states, data, p, period);
    return fieldCapture(data, p, period, countedPoints(data, p, period.from, period.to));
  });
  return {
    station: data.station,
    rows: measured.map((p) => (p === 'flow' ? flowRow(data, period) : parameterRow(data, period, p))),
    capture: stationCapture(captures),
    notes: maintenanceNotes(data, period),
    states,
  };
}

export const wastewaterMonthly: ReportTypeSpec = {
  type: 'wastewater-monthly',
  kind: 'wastewater',
  unit: 'month',
  standards: [STANDARD],
  fields: FIELDS,
  columns,
  section,
};
