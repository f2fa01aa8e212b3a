import type { Decision } from '../../lib/qa/states.ts';

/** The last stored reading of a station: each field's value and its `<field>_validity` code. */
export type LatestReading = {
  ts: number;
  values: Record<string, number>;
  validity: Record<string, number>;
};

/** One hourly station ISPU as the flows store it (measurement `ispu`, flows/core/rules/ispu.ts). */
export type IspuPoint = {
  ts: number;
  ispu: number;
  category: string;
  dominant: string;
  /** Sub-index per pollutant. */
  subIndices: Record<string, number>;
};

/** `[ts, value, validity]` as lib/aggregate reads it. */
export type SeriesPoint = readonly [ts: number, value: number | null, validity: number | null];

/**
 * Where the public service reads readings from (InfluxDB in service.ts, a fake in the app tests).
 * Station lists passed in are public stations only: the source never decides what is public.
 */
export type PublicData = {
  latest(kind: string, stations: readonly string[]): Promise<Map<string, LatestReading>>;
  series(kind: string, station: string, field: string, from: number, to: number): Promise<SeriesPoint[]>;
  ispuLatest(stations: readonly string[]): Promise<Map<string, IspuPoint>>;
  ispuHistory(station: string, from: number, to: number): Promise<IspuPoint[]>;
};

/** Validators' decisions over `[from, to)` for some stations (lib/records validations, as lib/qa reads them). */
export type DecisionSource = (stations: readonly string[], from: number, to: number) => readonly Decision[];
