import { capture } from '../../aggregate/capture.ts';
import { type Point, type Sample, samples } from '../../aggregate/points.ts';
import { stateIndex } from '../../qa/states.ts';
import { isInWindow, windowsCovering } from '../../qa/windows.ts';
import { findStandard, loadStandards, type Pollutant } from '../../standards/index.ts';
import type { ReportNote, ReportPeriod, ReportRow, StationData, StationSection } from '../model.ts';

/**
 * What every report type shares: which values count, the states, the station's capture, the
 * maintenance notes, the standards' limits. A value counts when the ingest did not flag it
 * (lib/aggregate/validity.ts), no validator decided it invalid (lib/qa/states.ts) and it lies outside
 * every maintenance or calibration window (as capture counts it, lib/aggregate/capture.ts).
 */

// Not an integer code, so lib/aggregate/validity.ts `isInvalid` leaves it out like any flag.
const LEFT_OUT = 'report-left-out';

/** The field's points inside `[from, to)` with the values that do not count marked invalid. */
export function countedPoints(data: StationData, field: string, from: number, to: number): Point[] {
  const raw = data.series.get(field) ?? [];
  const station = data.station.id;
  const state = stateIndex(data.decisions, station, field, from, to);
  const out: Point[] = [];
  for (const p of raw) {
    const [ts, value, code] = p;
    if (!(ts >= from && ts < to)) continue;
    const left = state(ts).state === 'invalid' || isInWindow(data.windows, station, field, ts);
    out.push(left ? [ts, value, LEFT_OUT] : [ts, value, code]);
  }
  return out;
}

/** The counted values only, one per time, in time order. */
export function validSamples(points: readonly Point[]): Sample[] {
  return samples(points).filter((s) => s.valid);
}

export type States = StationSection['states'];

/**
 * Adds the field's values over the period to `states` (lib/qa/states.ts): a validator's decision says
 * validated or invalid, no decision is provisional. A value the ingest flagged is invalid whatever a
 * decision over its range says: it counts in no number of the report (lib/aggregate/validity.ts), so
 * calling it validated would overstate what the numbers rest on.
 */
export function tallyStates(states: States, data: StationData, field: string, period: ReportPeriod): void {
  const state = stateIndex(data.decisions, data.station.id, field, period.from, period.to);
  for (const s of samples(data.series.get(field) ?? [])) {
    if (s.ts < period.from || s.ts >= period.to) continue;
    if (!s.valid) states.invalid++;
    else states[state(s.ts).state]++;
  }
}

/** Capture % of one field over the whole period (null: no time left outside the windows). */
export function fieldCapture(data: StationData, field: string, period: ReportPeriod, points: Point[]) {
  const [row] = capture(points, {
    station: data.station.id,
    field,
    intervalS: data.intervalS,
    from: period.from,
    to: period.to,
    period: period.unit,
    windows: data.windows,
  });
  return row;
}

/**
 * The station's capture over the period, all the type's fields it reports together: the sum of their
 * valid values over the sum of what their intervals promise outside the windows.
 */
export function stationCapture(rows: ReturnType<typeof fieldCapture>[]): number | null {
  let valid = 0;
  let due = 0;
  for (const r of rows) {
    if (!r || r.received === 0) continue;
    valid += r.valid;
    due += r.expected - r.excluded;
  }
  return due > 1e-9 ? Math.min(1, valid / due) * 100 : null;
}

/** One note per maintenance or calibration stretch over the period, in time order. */
export function maintenanceNotes(data: StationData, period: ReportPeriod): ReportNote[] {
  const q = { station: data.station.id, from: period.from, to: period.to };
  return windowsCovering(data.windows, q)
    .map((o) => ({
      label: NOTE_KEYS[o.window.type],
      from: Math.max(o.start, period.from),
      to: o.end === null ? null : Math.min(o.end, period.to),
      ...(o.window.fields ? { text: o.window.fields.join(', ') } : {}),
    }))
    .sort((a, b) => a.from - b.from);
}

const NOTE_KEYS = {
  maintenance: 'report.note.maintenance',
  calibration: 'report.note.calibration',
  instrument_failure: 'report.note.instrument_failure',
  production_stopped: 'report.note.production_stopped',
} as const;

export type Limit = NonNullable<Pollutant['limits']>[number];

/** A standard's limits of one parameter, refused loudly when the standards file lacks it. */
export function limitsOf(standardId: string, parameter: string): readonly Limit[] {
  const standard = findStandard(loadStandards(), standardId);
  const p = standard?.pollutants.find((x) => x.parameter === parameter);
  if (!p?.limits) throw new Error(`${standardId} has no limits for ${parameter}`);
  return p.limits;
}

export const unitOf = (standardId: string, parameter: string): string | undefined =>
  findStandard(loadStandards(), standardId)?.pollutants.find((x) => x.parameter === parameter)?.unit;

/** A row of the section: station, parameter and period first, as every format prints them. */
export function row(
  data: StationData,
  parameter: string,
  period: string,
  cells: Omit<ReportRow, 'station' | 'parameter' | 'period'>,
): ReportRow {
  return { station: data.station.id, parameter, period, ...cells } as ReportRow;
}

export const newStates = (): States => ({ validated: 0, provisional: 0, invalid: 0 });

export { wibIso } from '../render/csv.ts';

export function maxOf(values: Iterable<number | null>): number | null {
  let max: number | null = null;
  for (const v of values) if (v !== null && (max === null || v > max)) max = v;
  return max;
}

/** Whether a value is inside a limit's range (`min` and `max` inclusive; null: no bound). */
export const withinLimit = (v: number, l: { min: number | null; max: number | null }) =>
  (l.min === null || v >= l.min) && (l.max === null || v <= l.max);
