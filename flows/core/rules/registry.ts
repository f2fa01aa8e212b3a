import { compliance } from './compliance.ts';
import { ispu } from './ispu.ts';
import { mean } from './mean.ts';
import { rate } from './rate.ts';
import type { AnyRuleType } from './rule-type.ts';
import { stale } from './stale.ts';
import { threshold } from './threshold.ts';

/** Every rule type. Adding one is a file in this folder and a line here (flows/README.md). */
export const ruleTypes: readonly AnyRuleType[] = [threshold, compliance, mean, rate, stale, ispu];

const byName = new Map(ruleTypes.map((t) => [t.type, t]));

export function findRuleType(name: string): AnyRuleType | undefined {
  return byName.get(name);
}
