import { findKind, type KindSpec } from '../../lib/catalogue/index.ts';
import { findLimit, findStandard, type StandardsFile } from '../../lib/standards/index.ts';
import { parseDuration } from './duration.ts';
import {
  type OverridesFile,
  OverridesFileSchema,
  type RulePatch,
  type RuleSpec,
  type RulesFile,
  RulesFileSchema,
} from './rule-schema.ts';
import type { IspuRule, Rule } from './rule-types.ts';

export class RulesError extends Error {
  override name = 'RulesError';
  readonly code = 'RULES_INVALID';
  readonly hint = 'fix flows/rules.json or the override file (FLOWS_RULES_OVERRIDES); see flows/README.md';
}

function issues(where: string, error: { issues: { path: PropertyKey[]; message: string }[] }): RulesError {
  const lines = error.issues.map(
    (i) => `  ${where}: ${i.path.map(String).join('.') || '(root)'}: ${i.message}`,
  );
  return new RulesError(`invalid rules:\n${lines.join('\n')}`);
}

export function parseRulesFile(input: unknown): RulesFile {
  const r = RulesFileSchema.safeParse(input);
  if (!r.success) throw issues('rules', r.error);
  return r.data;
}

export function parseOverrides(input: unknown): OverridesFile {
  const r = OverridesFileSchema.safeParse(input ?? {});
  if (!r.success) throw issues('overrides', r.error);
  return r.data;
}

const ms = (s: number) => Math.round(s * 1000);

function kindOf(spec: { id: string; kind: string }): KindSpec {
  const kind = findKind(spec.kind);
  if (!kind) throw new RulesError(`rule ${spec.id}: kind "${spec.kind}" is not in the catalogue`);
  return kind;
}

function fieldOf(spec: { id: string }, kind: KindSpec, field: string) {
  const f = kind.fields[field];
  if (!f) throw new RulesError(`rule ${spec.id}: field "${field}" is not a field of ${kind.id}`);
  return f;
}

/** Expands one spec into built rules (a compliance or stale spec yields one rule per parameter). */
function buildSpec(spec: RuleSpec, standards: StandardsFile, kindIntervals: Record<string, number>): Rule[] {
  const kind = kindOf(spec);
  const base = {
    kind: kind.id,
    severity: spec.severity,
    enabled: spec.enabled,
    escalateAfterMs: spec.escalateAfterS === undefined ? undefined : ms(spec.escalateAfterS),
  };
  const limitOf = (standard: string, parameter: string, bound: 'min' | 'max', averaging?: string) => {
    try {
      return findLimit(standards, standard, {
        parameter,
        bound,
        averaging,
        unit: kind.fields[parameter]?.unit,
      });
    } catch (err) {
      throw new RulesError(`rule ${spec.id}: ${(err as Error).message}`);
    }
  };
  switch (spec.type) {
    case 'threshold': {
      const f = fieldOf(spec, kind, spec.field);
      let { max, min } = spec;
      let provisional = false;
      let source = 'local';
      if (spec.standard) {
        for (const bound of spec.bounds ?? ['max']) {
          const limit = limitOf(spec.standard, spec.field, bound, spec.averaging);
          if (bound === 'max') max ??= limit.value;
          else min ??= limit.value;
          provisional ||= limit.confidence === 'recalled';
          source = limit.standardTitle;
        }
      }
      if (max === undefined && min === undefined)
        throw new RulesError(`rule ${spec.id}: needs max, min or a standard`);
      return [
        {
          ...base,
          id: spec.id,
          ruleType: 'threshold',
          eval: 'threshold',
          parameter: spec.field,
          unit: f.unit,
          provisional,
          source,
          averaging: spec.averaging,
          max,
          min,
          deadband: spec.deadband,
          minDurationMs: ms(spec.minDurationS),
        },
      ];
    }
    case 'compliance': {
      const standard = findStandard(standards, spec.standard);
      if (!standard) throw new RulesError(`rule ${spec.id}: unknown standard "${spec.standard}"`);
      const out: Rule[] = [];
      for (const p of standard.pollutants) {
        const f = kind.fields[p.parameter];
        if (!f || spec.exclude.includes(p.parameter)) continue;
        if (f.unit !== p.unit) {
          throw new RulesError(
            `rule ${spec.id}: ${p.parameter} is in ${p.unit} in ${spec.standard} but ${f.unit} in the catalogue; add it to "exclude"`,
          );
        }
        const limit = p.limits?.[0];
        if (!limit || (limit.min === null && limit.max === null)) continue;
        const reference = Math.max(Math.abs(limit.max ?? 0), Math.abs(limit.min ?? 0));
        out.push({
          ...base,
          id: `${spec.id}-${p.parameter}`,
          ruleType: 'compliance',
          eval: 'threshold',
          parameter: p.parameter,
          unit: f.unit,
          provisional: p.confidence === 'recalled',
          source: standard.title,
          averaging: limit.averaging,
          max: limit.max ?? undefined,
          min: limit.min ?? undefined,
          deadband: reference * spec.deadbandFraction,
          minDurationMs: ms(spec.minDurationS),
        });
      }
      if (out.length === 0)
        throw new RulesError(`rule ${spec.id}: ${spec.standard} names no field of ${kind.id}`);
      return out;
    }
    case 'mean': {
      const f = fieldOf(spec, kind, spec.field);
      const limit = spec.standard ? limitOf(spec.standard, spec.field, 'max', spec.averaging) : undefined;
      const max = spec.max ?? limit?.value;
      if (max === undefined) throw new RulesError(`rule ${spec.id}: needs max or a standard`);
      return [
        {
          ...base,
          id: spec.id,
          ruleType: 'mean',
          eval: 'mean',
          parameter: spec.field,
          unit: f.unit,
          provisional: limit?.confidence === 'recalled',
          source: limit?.standardTitle ?? 'local',
          averaging: spec.averaging,
          max,
          deadband: spec.deadband,
          windowMs: parseDuration(spec.averaging) as number,
          minCoverage: spec.minCoverage,
        },
      ];
    }
    case 'rate': {
      const f = fieldOf(spec, kind, spec.field);
      return [
        {
          ...base,
          id: spec.id,
          ruleType: 'rate',
          eval: 'rate',
          parameter: spec.field,
          unit: f.unit,
          provisional: false,
          source: 'local',
          averaging: `${spec.windowS}s`,
          change: spec.change,
          direction: spec.direction,
          windowMs: ms(spec.windowS),
          deadband: spec.deadband ?? spec.change / 2,
        },
      ];
    }
    case 'stale': {
      const fields = spec.fields ?? Object.keys(kind.fields);
      const intervalS = spec.expectedIntervalS ?? kindIntervals[kind.id] ?? kind.expectedIntervalS;
      return fields.map((field) => ({
        ...base,
        id: `${spec.id}-${field}`,
        ruleType: 'stale' as const,
        eval: 'stale' as const,
        parameter: field,
        unit: fieldOf(spec, kind, field).unit,
        provisional: false,
        source: 'catalogue expectedIntervalS',
        factor: spec.factor,
        expectedIntervalMs: ms(intervalS),
      }));
    }
    case 'ispu': {
      const ispu = findStandard(standards, spec.standard);
      if (ispu?.kind !== 'index') throw new RulesError(`rule ${spec.id}: "${spec.standard}" is not an index`);
      const pollutants = Object.entries(spec.pollutants).map(([parameter, p]) => {
        fieldOf(spec, kind, parameter);
        if (!ispu.pollutants.some((t) => t.parameter === parameter && t.breakpoints)) {
          throw new RulesError(`rule ${spec.id}: ${spec.standard} has no breakpoints for ${parameter}`);
        }
        const hours = p.schedule === 'hourly' ? undefined : p.schedule;
        return { parameter, averaging: p.averaging, windowMs: parseDuration(p.averaging) as number, hours };
      });
      const rule: IspuRule = {
        ...base,
        id: spec.id,
        ruleType: 'ispu',
        eval: 'ispu',
        parameter: 'ispu',
        unit: 'ISPU',
        provisional: ispu.pollutants.some((p) => p.confidence === 'recalled'),
        source: ispu.title,
        pollutants,
        utcOffsetMs: spec.utcOffsetH * 3_600_000,
        minCoverage: spec.minCoverage,
        raiseAbove: spec.raiseAbove,
        criticalAbove: spec.criticalAbove,
      };
      return [rule];
    }
  }
}

/** Applies an override patch; a patched limit is a local number, so the rule says so. */
export function applyPatch(rule: Rule, patch: RulePatch, intervalS?: number): Rule {
  const r = { ...rule } as Rule & Record<string, unknown>;
  if (patch.enabled !== undefined) r.enabled = patch.enabled;
  if (patch.severity) r.severity = patch.severity;
  if (patch.escalateAfterS !== undefined) r.escalateAfterMs = ms(patch.escalateAfterS);
  if (patch.deadband !== undefined && 'deadband' in r) r.deadband = patch.deadband;
  if (r.eval === 'threshold' || r.eval === 'mean') {
    if (patch.max !== undefined) r.max = patch.max;
    if (patch.min !== undefined && r.eval === 'threshold') r.min = patch.min;
    if (patch.max !== undefined || patch.min !== undefined) r.source = `local override of ${r.source}`;
  }
  if (r.eval === 'threshold' && patch.minDurationS !== undefined) r.minDurationMs = ms(patch.minDurationS);
  if (r.eval === 'mean' && patch.minCoverage !== undefined) r.minCoverage = patch.minCoverage;
  if (r.eval === 'ispu' && patch.minCoverage !== undefined) r.minCoverage = patch.minCoverage;
  if (r.eval === 'rate') {
    if (patch.change !== undefined) r.change = patch.change;
    if (patch.windowS !== undefined) r.windowMs = ms(patch.windowS);
  }
  if (r.eval === 'stale') {
    if (patch.factor !== undefined) r.factor = patch.factor;
    const s = patch.expectedIntervalS ?? intervalS;
    if (s !== undefined) r.expectedIntervalMs = ms(s);
  }
  return r;
}

export type RuleSet = {
  all: readonly Rule[];
  /** Enabled rules for one station (kind rules with the station's overrides applied), cached. */
  forStation(kind: string, station: string): readonly Rule[];
};

export function buildRuleSet(
  rulesFile: RulesFile,
  overrides: OverridesFile,
  standards: StandardsFile,
): RuleSet {
  const intervals: Record<string, number> = {};
  for (const [kind, o] of Object.entries(overrides.kinds)) {
    if (!findKind(kind)) throw new RulesError(`overrides: kind "${kind}" is not in the catalogue`);
    if (o.expectedIntervalS !== undefined) intervals[kind] = o.expectedIntervalS;
  }
  const built = [...rulesFile.rules, ...overrides.rules].flatMap((spec) =>
    buildSpec(spec, standards, intervals),
  );
  const seen = new Set<string>();
  for (const rule of built) {
    const key = `${rule.kind}/${rule.id}`;
    if (seen.has(key)) throw new RulesError(`rule ${rule.id} is defined twice for ${rule.kind}`);
    seen.add(key);
  }
  const known = new Set(built.map((r) => r.id));
  const checkPatches = (where: string, patches: Record<string, RulePatch> | undefined) => {
    for (const id of Object.keys(patches ?? {})) {
      if (!known.has(id)) throw new RulesError(`overrides ${where}: no rule "${id}"`);
    }
  };
  const all = built.map((rule) => {
    const patch = overrides.kinds[rule.kind]?.rules?.[rule.id];
    return patch ? applyPatch(rule, patch) : rule;
  });
  for (const [kind, o] of Object.entries(overrides.kinds)) checkPatches(`kinds.${kind}`, o.rules);
  for (const [station, o] of Object.entries(overrides.stations)) checkPatches(`stations.${station}`, o.rules);

  const byKind = new Map<string, Rule[]>();
  for (const rule of all) byKind.set(rule.kind, [...(byKind.get(rule.kind) ?? []), rule]);
  const cache = new Map<string, readonly Rule[]>();
  return {
    all,
    forStation(kind, station) {
      const key = `${kind}/${station}`;
      let rules = cache.get(key);
      if (!rules) {
        const o = overrides.stations[station];
        rules = (byKind.get(kind) ?? [])
          .map((rule) => {
            const patch = o?.rules?.[rule.id];
            return patch || o?.expectedIntervalS ? applyPatch(rule, patch ?? {}, o?.expectedIntervalS) : rule;
          })
          .filter((r) => r.enabled);
        cache.set(key, rules);
      }
      return rules;
    },
  };
}
