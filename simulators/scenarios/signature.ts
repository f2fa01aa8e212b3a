import type { KindModel } from '../../lib/catalogue/simulation/model.ts';
import { type SimMessage, simulateFleet } from '../core/stream.ts';
import type { SimStation } from '../stations/load.ts';
import type { Expectation, Scenario } from './schema.ts';

const HOUR_MS = 3_600_000;

/** The window statistic an expectation names, from the true (unskewed) reading times. */
export function windowStat(messages: readonly SimMessage[], e: Expectation, start: number): number {
  const hourly = new Map<number, number[]>();
  for (const m of messages) {
    const h = (m.trueTs - start) / HOUR_MS;
    const value = m.values[e.field];
    if (m.station.id !== e.station || h < e.fromH || h >= e.toH || value === undefined) continue;
    const bucket = Math.floor(h);
    hourly.set(bucket, [...(hourly.get(bucket) ?? []), value]);
  }
  const means = [...hourly.values()].map((v) => v.reduce((a, b) => a + b, 0) / v.length);
  if (means.length === 0) return Number.NaN;
  if (e.stat === 'max_hourly') return Math.max(...means);
  if (e.stat === 'min_hourly') return Math.min(...means);
  const all = [...hourly.values()].flat();
  return all.reduce((a, b) => a + b, 0) / all.length;
}

export type SignatureResult = Expectation & { value: number; baseline?: number; ok: boolean };

/**
 * Runs the scenario and, where an expectation compares, the same seed without it; returns each
 * expectation with the figure measured. Used by the tests and by `npm run simulate -- --check`.
 */
export function checkSignature(
  scenario: Scenario,
  stations: readonly SimStation[],
  seed: number,
  models?: Record<string, KindModel>,
): SignatureResult[] {
  const named = new Set(scenario.expect.map((e) => e.station));
  const fleet = stations.filter((s) => named.has(s.id));
  const options = { seed, start: Date.parse(scenario.start), stepMs: scenario.stepMin * 60_000, models };
  const withScenario = simulateFleet(fleet, { ...options, scenario }, scenario.durationH);
  const baseline = simulateFleet(fleet, options, scenario.durationH);
  return scenario.expect.map((e) => {
    const value = windowStat(withScenario, e, options.start);
    const base = windowStat(baseline, e, options.start);
    let ok: boolean;
    if (e.above !== undefined) ok = value > e.above;
    else if (e.below !== undefined) ok = value < e.below;
    else if (e.riseAtLeast !== undefined) ok = value - base >= e.riseAtLeast;
    else ok = base - value >= (e.dropAtLeast ?? Number.POSITIVE_INFINITY);
    return { ...e, value, baseline: base, ok };
  });
}
