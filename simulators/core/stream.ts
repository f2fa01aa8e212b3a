import type { KindModel } from '../../lib/catalogue/simulation/model.ts';
import { hashSeed, seededRandom } from '../../lib/random.ts';
import { models as defaultModels } from '../profiles/index.ts';
import { type Scenario, type ScenarioEvent, targets } from '../scenarios/schema.ts';
import type { SimStation } from '../stations/load.ts';
import { createFaultApplier } from './faults.ts';

const HOUR_MS = 3_600_000;

export type SimMessage = {
  station: SimStation;
  seq: number;
  /** Simulated time of the reading. */
  trueTs: number;
  /** Device time as the payload carries it (differs under clock skew). */
  ts: number;
  values: Record<string, number>;
  /** 0 = not sent (dropout), 1, or 2 (duplicate). */
  copies: number;
  /** Faults that touched this reading (empty outside fault windows). */
  faults: string[];
};

export type StreamOptions = {
  seed: number;
  /** Simulated time of the first reading (epoch ms); scenario hours count from here. */
  start: number;
  /** Simulated ms between readings. */
  stepMs: number;
  /** Shift of this station's first reading, simulated ms (spreads a fleet over the interval). */
  offsetMs?: number;
  scenario?: Scenario;
  models?: Record<string, KindModel>;
};

/** Strength 0..1 of an event at `hours` (linear ramps at both ends). */
export function eventWeight(event: ScenarioEvent, hours: number): number {
  if (hours < event.fromH || hours >= event.toH) return 0;
  let w = 1;
  if (event.rampH > 0) w = Math.min(w, (hours - event.fromH) / event.rampH);
  if (event.fallH > 0) w = Math.min(w, (event.toH - hours) / event.fallH);
  return Math.max(0, Math.min(1, w));
}

/** The drivers that the scenario's active events push into this station's model at `hours`. */
export function driversAt(events: readonly ScenarioEvent[], hours: number): Record<string, number> {
  const drivers: Record<string, number> = {};
  for (const event of events) {
    const w = eventWeight(event, hours);
    if (w === 0) continue;
    for (const [name, value] of Object.entries(event.drivers))
      drivers[name] = (drivers[name] ?? 0) + w * value;
  }
  return drivers;
}

/**
 * One station's reading stream: a pure function of (seed, station, start, step, scenario), read in
 * order. Values come from the kind's model with the scenario's drivers; faults then corrupt what the
 * device reports. The same options always give the same stream, whatever the wall clock does.
 */
export function createStationStream(station: SimStation, options: StreamOptions): { next(): SimMessage } {
  const model = (options.models ?? defaultModels)[station.kind];
  if (!model) throw new Error(`no simulator model for kind '${station.kind}' (station ${station.id})`);
  const events = (options.scenario?.events ?? []).filter((e) => targets(e.targets, station));
  const faults = (options.scenario?.faults ?? []).filter((f) => targets(f.targets, station));
  const random = seededRandom(hashSeed(`${options.seed}:${station.id}:values`));
  const applyFaults = createFaultApplier(
    faults,
    seededRandom(hashSeed(`${options.seed}:${station.id}:faults`)),
  );
  const offset = options.offsetMs ?? 0;
  let seq = 0;
  return {
    next() {
      // Whole milliseconds: device times are epoch ms.
      const trueTs = Math.round(options.start + offset + seq * options.stepMs);
      const hours = (trueTs - options.start) / HOUR_MS;
      const drivers = events.length > 0 ? driversAt(events, hours) : undefined;
      const values = model.profile(station, trueTs, random, { seed: options.seed, drivers });
      const outcome = faults.length > 0 ? applyFaults(hours, trueTs, values) : undefined;
      return {
        station,
        seq: seq++,
        trueTs,
        ts: outcome?.ts ?? trueTs,
        values: outcome?.values ?? values,
        copies: outcome?.copies ?? 1,
        faults: outcome?.applied ?? [],
      };
    },
  };
}

/** Every reading of `stations` over `hours` of simulated time (tests, replays, offline generation). */
export function simulateFleet(
  stations: readonly SimStation[],
  options: StreamOptions,
  hours: number,
): SimMessage[] {
  const out: SimMessage[] = [];
  const steps = Math.floor((hours * HOUR_MS) / options.stepMs);
  for (const station of stations) {
    const stream = createStationStream(station, options);
    for (let i = 0; i < steps; i++) out.push(stream.next());
  }
  return out;
}
