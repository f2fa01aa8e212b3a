import { z } from 'zod';
import { MIN_COVERAGE } from '../../../lib/aggregate/coverage.ts';
import { topics } from '../../../lib/catalogue/topics.ts';
import { toLine } from '../../../lib/influx/line-protocol.ts';
import { findStandard, type Pollutant } from '../../../lib/standards/index.ts';
import type { MqttOut, StationTags } from '../alert.ts';
import { detail } from '../alert-text.ts';
import { parseDuration } from '../duration.ts';
import { type IspuResult, type IspuStationState, ispuOnReading, newIspuState } from '../ispu-station.ts';
import { Common, Duration, Field } from './common.ts';
import { defineRuleType, HOLD, jsonState, type RuleBase } from './rule-type.ts';

const IspuPollutantSchema = z.strictObject({
  averaging: Duration.default('24h'),
  /** "hourly", or the local hours (WIB) at which the sub-index is computed (regulation: 09:00 and 15:00). */
  schedule: z.union([z.literal('hourly'), z.array(z.number().int().min(0).max(23)).min(1)]).default('hourly'),
});

const IspuSpecSchema = z.strictObject({
  ...Common,
  type: z.literal('ispu'),
  standard: z.string().default('id-ID-ispu-2020'),
  pollutants: z.record(Field, IspuPollutantSchema),
  utcOffsetH: z.number().min(-12).max(14).default(7),
  /** Share of a window's sub-periods a sub-index needs; default the shared 75 % rule (lib/aggregate). */
  minCoverage: z.number().min(0).max(1).default(MIN_COVERAGE),
  /** Raise when the station ISPU is above this (100 = entering Tidak Sehat); critical above criticalAbove. */
  raiseAbove: z.number().default(100),
  criticalAbove: z.number().default(200),
});
type IspuSpec = z.infer<typeof IspuSpecSchema>;

type IspuPollutantRule = {
  parameter: string;
  windowMs: number;
  averaging: string;
  /** undefined = hourly; otherwise the local hours at which the sub-index is refreshed. */
  hours?: readonly number[] | undefined;
  /** The standard's breakpoint table for the pollutant. */
  table: Pollutant;
};

export type IspuRule = RuleBase & {
  pollutants: IspuPollutantRule[];
  utcOffsetMs: number;
  minCoverage: number;
  raiseAbove: number;
  criticalAbove: number;
};

const IspuPatchSchema = z.strictObject({ minCoverage: z.number().min(0).max(1).optional() });

/**
 * `readings/ispu/<station>` in the normalized-reading shape, plus category and averaging. Retained:
 * the ISPU changes once an hour, so a console that (re)connects shows the last one at once instead
 * of "none yet" until the next hour.
 */
function ispuMqtt(station: string, r: IspuResult, tags: StationTags): MqttOut {
  const values: Record<string, number> = { ispu: r.ispu };
  const averaging: Record<string, string> = {};
  for (const [p, s] of Object.entries(r.subIndices)) {
    values[p] = s.index;
    averaging[p] = s.averaging;
  }
  const body: Record<string, unknown> = {
    kind: 'ispu',
    station,
    ts: r.ts,
    values,
    category: r.category,
    dominant: r.dominant,
    averaging,
  };
  if (tags.district || tags.operator) body.tags = tags;
  return { topic: topics.ispu(station), payload: JSON.stringify(body), retain: true, qos: 1 };
}

/** One point in measurement `ispu` per published hour. */
function ispuLine(station: string, r: IspuResult, tags: StationTags): string {
  const fields: Record<string, number | string> = { ispu: r.ispu, dominant: r.dominant };
  for (const [p, s] of Object.entries(r.subIndices)) {
    fields[p] = s.index;
    fields[`${p}_concentration`] = s.concentration;
  }
  return toLine({
    measurement: 'ispu',
    tags: { station, category: r.category, district: tags.district ?? '', operator: tags.operator ?? '' },
    fields,
    ts: r.ts,
  });
}

/**
 * Hourly station ISPU (Permen LHK P.14/2020, see ispu-station.ts): published on every hour a station
 * completes, and an alert while the station ISPU is above `raiseAbove`.
 */
export const ispu = defineRuleType({
  type: 'ispu',
  schema: IspuSpecSchema,
  build(spec: IspuSpec, ctx): IspuRule[] {
    const standard = findStandard(ctx.standards, spec.standard);
    if (standard?.kind !== 'index') throw ctx.fail(`"${spec.standard}" is not an index`);
    const pollutants = Object.entries(spec.pollutants).map(([parameter, p]) => {
      ctx.field(parameter);
      const table = standard.pollutants.find((t) => t.parameter === parameter && t.breakpoints);
      if (!table) throw ctx.fail(`${spec.standard} has no breakpoints for ${parameter}`);
      const hours = p.schedule === 'hourly' ? undefined : p.schedule;
      const windowMs = parseDuration(p.averaging) as number;
      return { parameter, averaging: p.averaging, windowMs, hours, table };
    });
    return [
      {
        ...ctx.base,
        id: spec.id,
        ruleType: 'ispu',
        parameter: 'ispu',
        unit: 'ISPU',
        provisional: standard.pollutants.some((p) => p.confidence === 'recalled'),
        source: 'standard',
        standard: spec.standard,
        pollutants,
        utcOffsetMs: spec.utcOffsetH * 3_600_000,
        minCoverage: spec.minCoverage,
        raiseAbove: spec.raiseAbove,
        criticalAbove: spec.criticalAbove,
      },
    ];
  },
  patch: {
    schema: IspuPatchSchema,
    apply(rule: IspuRule, patch: z.infer<typeof IspuPatchSchema>) {
      if (patch.minCoverage !== undefined) rule.minCoverage = patch.minCoverage;
    },
  },
  counters: ['ispu'],
  // Every reading of the station moves its clock: an hour ends when any reading of the next arrives.
  concerns: () => true,
  initialState: (): IspuStationState => newIspuState(),
  onReading(rule: IspuRule, state: IspuStationState, r, ctx) {
    const result = ispuOnReading(rule, state, r.ts, r.values);
    if (!result) return HOLD;
    ctx.count('ispu');
    ctx.effects.mqtt.push(ispuMqtt(ctx.station, result, ctx.tags));
    ctx.effects.lines.push(ispuLine(ctx.station, result, ctx.tags));
    const v = {
      value: result.ispu,
      limit: rule.raiseAbove,
      detail: detail.ispu(result.ispu, result.category, result.dominant),
    };
    if (!ctx.active && result.ispu > rule.raiseAbove) {
      return { action: 'raise', ...v, severity: result.ispu > rule.criticalAbove ? 'critical' : undefined };
    }
    if (ctx.active && result.ispu <= rule.raiseAbove) return { action: 'clear', ...v };
    return HOLD;
  },
  ...jsonState,
  // Version 1 kept one ISPU state per station.
  v1: { section: 'ispu', key: (rule, station) => `${rule.kind}/${station}` },
});
