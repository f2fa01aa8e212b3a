import { findKind } from '../../lib/catalogue/index.ts';
import type { StandardsFile } from '../../lib/standards/index.ts';
import { assess, emptyFieldState, type FieldState } from '../../lib/validity/assess.ts';
import { type ClockRule, type FieldRule, kindRules } from '../../lib/validity/rules.ts';
import type { Reading } from './reading.ts';

/**
 * Whether a maintenance or calibration window covers this station's field at device time `ts`. The
 * records of maintenance come later (issue 15); without a hook nothing is in a window.
 */
export type MaintenanceHook = (station: string, field: string, ts: number) => boolean;

export type ValidityOptions = {
  clock: ClockRule;
  /** Resolves ceilings given as a multiple of a limit (lib/standards). */
  standards: StandardsFile;
  inMaintenance?: MaintenanceHook;
  /** Stations whose state is kept; past it the one seen first is forgotten. */
  maxStations?: number;
};

/** Codes every value of a reading as it is accepted (before it is spooled), keeping each field's state. */
export type ValidityStage = {
  /** Sets `reading.validity`: one code per value. `arrivalMs`: when the ingest received the message. */
  assign(reading: Reading, arrivalMs: number): void;
  /** Stations with state in memory (bounded by maxStations). */
  stations(): number;
};

/**
 * Far above the registry of a city (Depok has ~50 stations; the benchmark 200); it bounds the memory an
 * open ingest (no registry) gives to station ids it has never heard of: ~1.5 KB each at most.
 */
export const DEFAULT_MAX_STATIONS = 10_000;

type KindEntry = { index: Map<string, number>; rules: FieldRule[] };
type StationEntry = { kind: string; fields: FieldState[] };

/**
 * The in-memory state is one entry per station and field, made at the station's first reading and
 * updated in place after it. It is lost on restart: the first value of each field after a restart has
 * nothing to compare with, so it can be neither a spike, nor part of a flat line, nor out of sequence.
 */
export function createValidityStage(options: ValidityOptions): ValidityStage {
  const { clock, standards } = options;
  const inMaintenance = options.inMaintenance;
  const maxStations = options.maxStations ?? DEFAULT_MAX_STATIONS;
  const kinds = new Map<string, KindEntry | undefined>();
  const stations = new Map<string, StationEntry>();

  const kindEntry = (id: string): KindEntry | undefined => {
    if (kinds.has(id)) return kinds.get(id);
    const kind = findKind(id);
    const { names, rules } = kind ? kindRules(kind, standards) : { names: [], rules: [] };
    const entry = kind ? { index: new Map(names.map((name, i) => [name, i])), rules } : undefined;
    kinds.set(id, entry);
    return entry;
  };

  const stationEntry = (station: string, kind: string, fields: number): StationEntry => {
    let entry = stations.get(station);
    // A station id reused under another kind (possible only without a registry) starts afresh.
    if (entry && entry.kind === kind) return entry;
    if (!entry && stations.size >= maxStations) {
      const oldest = stations.keys().next().value;
      if (oldest !== undefined) stations.delete(oldest);
    }
    entry = { kind, fields: Array.from({ length: fields }, emptyFieldState) };
    stations.set(station, entry);
    return entry;
  };

  return {
    assign(reading, arrivalMs) {
      const kind = kindEntry(reading.kind);
      if (!kind) return;
      const state = stationEntry(reading.station, reading.kind, kind.rules.length);
      const codes: Record<string, number> = {};
      for (const name in reading.values) {
        const i = kind.index.get(name);
        if (i === undefined) continue; // the decoder admits catalogue fields only
        codes[name] = assess(
          kind.rules[i] as FieldRule,
          clock,
          state.fields[i] as FieldState,
          reading.values[name] as number,
          reading.ts,
          arrivalMs,
          inMaintenance?.(reading.station, name, reading.ts) === true,
        );
      }
      reading.validity = codes;
    },
    stations: () => stations.size,
  };
}
