import { hourlyMeans } from '../../aggregate/means.ts';
import { findKind } from '../../catalogue/index.ts';
import { findStandard, loadStandards } from '../../standards/index.ts';
import type { Column, ReportPeriod, ReportRow, ReportTypeSpec, StationData } from '../model.ts';
import {
  countedPoints,
  fieldCapture,
  type Limit,
  limitsOf,
  maintenanceNotes,
  newStates,
  row,
  stationCapture,
  tallyStates,
  validSamples,
  withinLimit,
} from './common.ts';

/**
 * The water network per node over a WIB month: time below and above the operating pressure band
 * (id-ID-water-distribution-operational), the minimum night flow as a leak indicator, free chlorine
 * compliance with Permenkes 2/2023 (0.2-0.5 mg/L), capture.
 * - Pressure: hours = valid readings outside the band x the interval, so a 10-minute drop an hourly
 *   mean would hide still counts.
 * - Night flow: per night the lower of the 02:00-03:00 and 03:00-04:00 WIB hourly means (75 % rule);
 *   the month's median and minimum of those nights (a rising minimum night flow is the classic sign of
 *   a new leak, IWA water-balance practice).
 * - Free chlorine: the share of valid readings inside the range.
 */
const OPERATIONAL = 'id-ID-water-distribution-operational';
const DRINKING = 'id-ID-permenkes-2-2023-drinking-water';
const FIELDS = ['pressure', 'flow', 'free_chlorine'] as const;
const HOUR = 3_600_000;
const NIGHT_HOURS = [2, 3] as const;

const columns: Column[] = [
  { key: 'unit', label: 'report.column.unit', format: 'text' },
  { key: 'limit_min', label: 'report.column.limit_min', format: 'number', decimals: 2, unitFromRow: true },
  { key: 'limit_max', label: 'report.column.limit_max', format: 'number', decimals: 2, unitFromRow: true },
  { key: 'hours_below', label: 'report.column.hours_below', format: 'number', decimals: 1 },
  { key: 'hours_above', label: 'report.column.hours_above', format: 'number', decimals: 1 },
  {
    key: 'night_flow_median',
    label: 'report.column.night_flow_median',
    format: 'number',
    decimals: 2,
    unitFromRow: true,
  },
  {
    key: 'night_flow_min',
    label: 'report.column.night_flow_min',
    format: 'number',
    decimals: 2,
    unitFromRow: true,
  },
  { key: 'nights', label: 'report.column.nights', format: 'integer' },
  { key: 'compliance', label: 'report.column.compliance', format: 'percent' },
  { key: 'judged', label: 'report.column.judged', format: 'integer' },
  { key: 'capture', label: 'report.column.capture', format: 'percent' },
];

const EMPTY = {
  limit_min: null,
  limit_max: null,
  hours_below: null,
  hours_above: null,
  night_flow_median: null,
  night_flow_min: null,
  nights: null,
  compliance: null,
  judged: null,
};

const fieldUnit = (field: string) => findKind('water_network')?.fields[field]?.unit ?? '';

// 1 standard atmosphere = 1.01325 bar (exact, ISO 80000-4).
const TO_BAR: Record<string, number> = { bar: 1, atm: 1.01325 };

/**
 * The band in the field's unit: of the standard's pressure entries (one per unit), a bound given in
 * the field's unit wins; another unit is converted.
 */
export function pressureBand(unit: string): { min: number | null; max: number | null } {
  const entries =
    findStandard(loadStandards(), OPERATIONAL)?.pollutants.filter((p) => p.parameter === 'pressure') ?? [];
  const target = TO_BAR[unit];
  if (target === undefined) throw new Error(`pressure unit ${unit} has no conversion`);
  const bound = (b: 'min' | 'max') => {
    const found = entries
      .flatMap((e) => (e.limits ?? []).map((l) => ({ value: l[b], unit: e.unit })))
      .filter((x): x is { value: number; unit: string } => x.value !== null && TO_BAR[x.unit] !== undefined)
      .sort((x, y) => Number(y.unit === unit) - Number(x.unit === unit));
    const first = found[0];
    return first ? (first.value * (TO_BAR[first.unit] as number)) / target : null;
  };
  return { min: bound('min'), max: bound('max') };
}

function pressureRow(data: StationData, period: ReportPeriod): ReportRow {
  const unit = fieldUnit('pressure');
  const band = pressureBand(unit);
  const points = countedPoints(data, 'pressure', period.from, period.to);
  const valid = validSamples(points);
  const hoursPer = data.intervalS / 3600;
  return row(data, 'pressure', period.label, {
    ...EMPTY,
    unit,
    limit_min: band.min,
    limit_max: band.max,
    hours_below: valid.filter((s) => band.min !== null && s.value < band.min).length * hoursPer,
    hours_above: valid.filter((s) => band.max !== null && s.value > band.max).length * hoursPer,
    judged: valid.length,
    capture: fieldCapture(data, 'pressure', period, points)?.capture ?? null,
  });
}

/** Per WIB night, the lowest counted hourly mean of 02:00-04:00. */
export function nightFlows(hours: readonly { start: number; mean: number | null }[]): number[] {
  const byNight = new Map<number, number>();
  for (const h of hours) {
    const local = new Date(h.start + 7 * HOUR);
    if (h.mean === null || !(NIGHT_HOURS as readonly number[]).includes(local.getUTCHours())) continue;
    const night = Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate());
    byNight.set(night, Math.min(byNight.get(night) ?? Number.POSITIVE_INFINITY, h.mean));
  }
  return [...byNight.values()];
}

export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

function flowRow(data: StationData, period: ReportPeriod): ReportRow {
  const points = countedPoints(data, 'flow', period.from, period.to);
  const nights = nightFlows(
    hourlyMeans(points, { intervalS: data.intervalS, from: period.from, to: period.to }),
  );
  return row(data, 'flow', period.label, {
    ...EMPTY,
    unit: fieldUnit('flow'),
    night_flow_median: median(nights),
    night_flow_min: nights.length > 0 ? Math.min(...nights) : null,
    nights: nights.length,
    capture: fieldCapture(data, 'flow', period, points)?.capture ?? null,
  });
}

function chlorineRow(data: StationData, period: ReportPeriod): ReportRow {
  const [limit] = limitsOf(DRINKING, 'free_chlorine') as [Limit];
  const points = countedPoints(data, 'free_chlorine', period.from, period.to);
  const valid = validSamples(points);
  const within = valid.filter((s) => withinLimit(s.value, limit)).length;
  return row(data, 'free_chlorine', period.label, {
    ...EMPTY,
    unit: fieldUnit('free_chlorine'),
    limit_min: limit.min,
    limit_max: limit.max,
    compliance: valid.length > 0 ? (within / valid.length) * 100 : null,
    judged: valid.length,
    capture: fieldCapture(data, 'free_chlorine', period, points)?.capture ?? null,
  });
}

const ROWS = { pressure: pressureRow, flow: flowRow, free_chlorine: chlorineRow } as const;

function section(data: StationData, period: ReportPeriod) {
  const measured = FIELDS.filter((p) => (data.series.get(p)?.length ?? 0) > 0);
  const states = newStates();
  const captures = measured.map((p) => {
    tallyStates(states, data, p, period);
    return fieldCapture(data, p, period, countedPoints(data, p, period.from, period.to));
  });
  return {
    station: data.station,
    rows: measured.map((p) => ROWS[p](data, period)),
    capture: stationCapture(captures),
    notes: maintenanceNotes(data, period),
    states,
  };
}

export const waterMonthly: ReportTypeSpec = {
  type: 'water-monthly',
  kind: 'water_network',
  unit: 'month',
  standards: [OPERATIONAL, DRINKING],
  fields: FIELDS,
  columns,
  section,
};
