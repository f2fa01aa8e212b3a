import { occurrenceStarts, type Recurrence } from './recurrence.ts';

/**
 * Maintenance windows as the alert flows, the validity stage and data capture will ask about them:
 * pure functions over the windows (read from the records database by the caller), no I/O, no clock.
 *
 * A window covers one station, and either all its fields (`fields: null`) or the listed ones. A one-off
 * window covers `[start, end)`; `end: null` is open (a visit in progress, a failure not yet repaired)
 * and covers everything from `start` on until it is ended. A recurring window repeats `[occurrence,
 * occurrence + durationMs)` from `start` by its rule, and `end` (when set) ends the series: no
 * occurrence begins at or after it, and one in progress stops there. Overlapping windows are allowed
 * (a calibration inside a maintenance visit): each is reported, and "in a window" is true while any is.
 */

export const MaintenanceTypes = [
  'maintenance',
  'calibration',
  'instrument_failure',
  'production_stopped',
] as const;
export type MaintenanceType = (typeof MaintenanceTypes)[number];

export type MaintenanceWindow = {
  id: number;
  station: string;
  /** null: every field of the station. */
  fields: readonly string[] | null;
  type: MaintenanceType;
  start: number;
  end: number | null;
  recurrence?: { rule: Recurrence; durationMs: number } | undefined;
};

/** One stretch of time a window covers; `end: null` while an open window runs. */
export type Occurrence = { window: MaintenanceWindow; start: number; end: number | null };

export type CoverQuery = { station: string; field?: string | undefined; from: number; to: number };

const endOf = (o: { end: number | null }) => o.end ?? Number.POSITIVE_INFINITY;

/** Whether a window concerns the field (undefined: any field of the station). */
export function coversField(window: MaintenanceWindow, field: string | undefined): boolean {
  return field === undefined || window.fields === null || window.fields.includes(field);
}

/** The stretches of one window that overlap `[from, to)`, in order. */
export function occurrences(window: MaintenanceWindow, from: number, to: number): Occurrence[] {
  const seriesEnd = endOf(window);
  if (!window.recurrence) {
    return window.start < to && seriesEnd > from && seriesEnd > window.start
      ? [{ window, start: window.start, end: window.end }]
      : [];
  }
  const { rule, durationMs } = window.recurrence;
  return occurrenceStarts(rule, window.start, durationMs, from, Math.min(to, seriesEnd)).map((start) => ({
    window,
    start,
    end: Math.min(start + durationMs, seriesEnd),
  }));
}

/**
 * Windows covering station S (field F, or any field when F is left out) between `from` (inclusive)
 * and `to` (exclusive), one entry per occurrence, ordered by start.
 */
export function windowsCovering(windows: readonly MaintenanceWindow[], query: CoverQuery): Occurrence[] {
  return windows
    .filter((w) => w.station === query.station && coversField(w, query.field))
    .flatMap((w) => occurrences(w, query.from, query.to))
    .sort((a, b) => a.start - b.start || a.window.id - b.window.id);
}

/** The windows S/F is in at `t` (empty when none): the stretches containing `t`. */
export function windowsAt(
  windows: readonly MaintenanceWindow[],
  station: string,
  field: string,
  t: number,
): Occurrence[] {
  return windowsCovering(windows, { station, field, from: t, to: t + 1 }).filter(
    (o) => o.start <= t && endOf(o) > t,
  );
}

/** Whether S/F is in a maintenance or calibration window at `t`. */
export function isInWindow(
  windows: readonly MaintenanceWindow[],
  station: string,
  field: string,
  t: number,
): boolean {
  return windowsAt(windows, station, field, t).length > 0;
}

/**
 * The hook the ingest's validity stage and the alert flows take: windows indexed by station once,
 * then `(station, field, t) => boolean` per value. Rebuild it when the windows change.
 */
export function maintenanceLookup(
  windows: readonly MaintenanceWindow[],
): (station: string, field: string, t: number) => boolean {
  const byStation = new Map<string, MaintenanceWindow[]>();
  for (const w of windows) byStation.set(w.station, [...(byStation.get(w.station) ?? []), w]);
  return (station, field, t) => {
    const list = byStation.get(station);
    return list !== undefined && isInWindow(list, station, field, t);
  };
}

/** Milliseconds of `[from, to)` that S/F spends in windows (overlaps counted once): capture's exclusion. */
export function coveredMs(windows: readonly MaintenanceWindow[], query: Required<CoverQuery>): number {
  let total = 0;
  let reached = query.from;
  for (const o of windowsCovering(windows, query)) {
    const start = Math.max(o.start, reached);
    const end = Math.min(endOf(o), query.to);
    if (end > start) {
      total += end - start;
      reached = end;
    }
  }
  return total;
}
