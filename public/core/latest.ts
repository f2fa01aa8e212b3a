import { type Decision, stateAt } from '../../lib/qa/states.ts';
import type { IspuPoint, LatestReading } from './source.ts';
import type { PublicStation } from './stations.ts';
import { type StationStatus, stationStatus } from './status.ts';

/** One field of one station's last reading: the long form, one row per value (CSV row = JSON row). */
export type LatestRow = {
  station: string;
  kind: string;
  time: string;
  status: StationStatus;
  field: string;
  value: number;
  unit: string;
  /** The ingest's `<field>_validity` code (0 valid; ingest/README.md), null for readings stored before codes. */
  validity: number | null;
  state: 'provisional' | 'validated' | 'invalid';
};

/** A station with no reading yet still appears, once, with its status `unknown` and no value. */
export type LatestStationRow = Omit<LatestRow, 'field' | 'value' | 'unit' | 'validity' | 'state' | 'time'> & {
  time: null;
  field: null;
  value: null;
  unit: null;
  validity: null;
  state: null;
};

export type LatestInput = {
  stations: readonly PublicStation[];
  readings: ReadonlyMap<string, LatestReading>;
  ispu: ReadonlyMap<string, IspuPoint>;
  decisions: readonly Decision[];
};

/** The latest values of every public station, in station then catalogue field order. */
export function latestRows(input: LatestInput): (LatestRow | LatestStationRow)[] {
  const rows: (LatestRow | LatestStationRow)[] = [];
  for (const s of input.stations) {
    const reading = input.readings.get(s.id);
    const status = stationStatus(s.kind, reading, input.ispu.get(s.id));
    const base = { station: s.id, kind: s.kind, status };
    const before = rows.length;
    if (reading) {
      const time = new Date(reading.ts).toISOString();
      for (const p of s.parameters) {
        const value = reading.values[p.field];
        if (value === undefined) continue;
        const state = stateAt(input.decisions, s.id, p.field, reading.ts).state;
        const validity = reading.validity[p.field] ?? null;
        rows.push({ ...base, time, field: p.field, value, unit: p.unit, validity, state });
      }
    }
    if (rows.length === before)
      rows.push({ ...base, time: null, field: null, value: null, unit: null, validity: null, state: null });
  }
  return rows;
}

/** The oldest and newest reading times: the span whose decisions the rows need. */
export function readingSpan(readings: ReadonlyMap<string, LatestReading>): [number, number] | undefined {
  let min = Infinity;
  let max = -Infinity;
  for (const r of readings.values()) {
    min = Math.min(min, r.ts);
    max = Math.max(max, r.ts);
  }
  return min <= max ? [min, max + 1] : undefined;
}
