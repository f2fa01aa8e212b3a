import { meetsCoverage } from '../../lib/aggregate/coverage.ts';
import {
  type IspuCategory,
  type StationIspu,
  type SubIndex,
  stationIspu,
  subIndex,
} from '../../lib/aggregate/ispu.ts';
import { addToBuckets, type MeanState, newMeanState, windowMean } from '../../lib/aggregate/rolling.ts';
import type { IspuRule } from './rules/ispu.ts';

const HOUR = 3_600_000;

/**
 * Hourly station ISPU on device time. When a station's readings move into a new hour, the hour that
 * just ended is computed: PM2.5 every hour, the other pollutants at their scheduled local hours
 * (09:00 and 15:00 WIB by default), each over its configured averaging window. The station ISPU is
 * the highest sub-index computed in the last 24 h. Late readings update the means but never
 * recompute an hour already published.
 */
export type IspuStationState = {
  hour?: number | undefined;
  means: Record<string, MeanState>;
  subs: Record<
    string,
    { index: number; exact: number; concentration: number; category: IspuCategory; at: number }
  >;
};

export type IspuResult = StationIspu & {
  /** End of the hour the value is for (epoch ms, device time). */
  ts: number;
  subIndices: Record<string, { index: number; concentration: number; averaging: string; at: number }>;
};

export function newIspuState(): IspuStationState {
  return { means: {}, subs: {} };
}

export function ispuOnReading(
  rule: IspuRule,
  state: IspuStationState,
  ts: number,
  values: Record<string, number>,
): IspuResult | undefined {
  for (const p of rule.pollutants) {
    const v = values[p.parameter];
    if (v === undefined) continue;
    state.means[p.parameter] ??= newMeanState();
    addToBuckets(state.means[p.parameter] as MeanState, p.windowMs, ts, v);
  }
  const hour = Math.floor(ts / HOUR);
  if (state.hour === undefined) {
    state.hour = hour;
    return undefined;
  }
  if (hour <= state.hour) return undefined;
  const end = (state.hour + 1) * HOUR;
  state.hour = hour;
  return computeHour(rule, state, end);
}

export function computeHour(rule: IspuRule, state: IspuStationState, end: number): IspuResult | undefined {
  const localHour = (((Math.floor((end + rule.utcOffsetMs) / HOUR) % 24) + 24) % 24) as number;
  for (const p of rule.pollutants) {
    if (p.hours && !p.hours.includes(localHour)) continue;
    const mean = state.means[p.parameter];
    if (!mean) continue;
    const m = windowMean(mean, p.windowMs, end - 1);
    if (!m || !meetsCoverage(m.coverage, 1, rule.minCoverage)) continue;
    const sub = subIndex(p.table, m.mean);
    if (sub) state.subs[p.parameter] = { ...pick(sub), at: end };
  }
  const fresh: SubIndex[] = [];
  const subIndices: IspuResult['subIndices'] = {};
  for (const p of rule.pollutants) {
    const s = state.subs[p.parameter];
    if (!s || s.at <= end - 24 * HOUR) continue;
    fresh.push({ parameter: p.parameter, beyondTable: false, ...s });
    subIndices[p.parameter] = {
      index: s.index,
      concentration: s.concentration,
      averaging: p.averaging,
      at: s.at,
    };
  }
  const station = stationIspu(fresh);
  return station && { ...station, ts: end, subIndices };
}

function pick(s: SubIndex) {
  return {
    index: s.index,
    exact: s.exact,
    concentration: Math.round(s.concentration * 100) / 100,
    category: s.category,
  };
}
