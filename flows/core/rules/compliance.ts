import { z } from 'zod';
import { findStandard } from '../../../lib/standards/index.ts';
import { Common, Field, ms } from './common.ts';
import { defineRuleType } from './rule-type.ts';
import { type ThresholdRule, thresholdRuntime } from './threshold.ts';

const ComplianceSpecSchema = z.strictObject({
  ...Common,
  type: z.literal('compliance'),
  standard: z.string(),
  /** Deadband as a fraction of each limit. */
  deadbandFraction: z.number().min(0).max(0.5).default(0.05),
  minDurationS: z.number().nonnegative().default(0),
  /** Parameters to leave out (e.g. a limit whose unit the sensor cannot report). */
  exclude: z.array(Field).default([]),
});
type ComplianceSpec = z.infer<typeof ComplianceSpecSchema>;

/**
 * Compliance with a whole standard (Permen LHK P.68/2016 for wastewater): one threshold rule
 * `<id>-<parameter>` per parameter of the standard that the kind measures, judged as a threshold.
 */
export const compliance = defineRuleType({
  type: 'compliance',
  schema: ComplianceSpecSchema,
  build(spec: ComplianceSpec, ctx): ThresholdRule[] {
    const standard = findStandard(ctx.standards, spec.standard);
    if (!standard) throw ctx.fail(`unknown standard "${spec.standard}"`);
    const out: ThresholdRule[] = [];
    for (const p of standard.pollutants) {
      const f = ctx.kind.fields[p.parameter];
      if (!f || spec.exclude.includes(p.parameter)) continue;
      if (f.unit !== p.unit) {
        throw ctx.fail(
          `${p.parameter} is in ${p.unit} in ${spec.standard} but ${f.unit} in the catalogue; add it to "exclude"`,
        );
      }
      const limit = p.limits?.[0];
      if (!limit || (limit.min === null && limit.max === null)) continue;
      const reference = Math.max(Math.abs(limit.max ?? 0), Math.abs(limit.min ?? 0));
      out.push({
        ...ctx.base,
        id: `${spec.id}-${p.parameter}`,
        ruleType: 'compliance',
        parameter: p.parameter,
        unit: f.unit,
        provisional: p.confidence === 'recalled',
        source: 'standard',
        standard: spec.standard,
        averaging: limit.averaging,
        max: limit.max ?? undefined,
        min: limit.min ?? undefined,
        deadband: reference * spec.deadbandFraction,
        minDurationMs: ms(spec.minDurationS),
      });
    }
    if (out.length === 0) throw ctx.fail(`${spec.standard} names no field of ${ctx.kind.id}`);
    return out;
  },
  ...thresholdRuntime,
});
