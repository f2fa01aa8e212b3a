import { findKind, type KindSpec } from '../../lib/catalogue/index.ts';
import { findLimit, type StandardsFile } from '../../lib/standards/index.ts';
import {
  type OverridesFile,
  OverridesFileSchema,
  type RulePatch,
  type RulesFile,
  RulesFileSchema,
} from './rule-schema.ts';
import { type CommonSpec, ms } from './rules/common.ts';
import { findRuleType } from './rules/registry.ts';
import type { BuildContext, RuleBase } from './rules/rule-type.ts';

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

function kindOf(spec: { id: string; kind: string }): KindSpec {
  const kind = findKind(spec.kind);
  if (!kind) throw new RulesError(`rule ${spec.id}: kind "${spec.kind}" is not in the catalogue`);
  return kind;
}

/** Builds one spec with its type (a compliance or stale spec yields one rule per parameter). */
function buildSpec(
  spec: CommonSpec,
  standards: StandardsFile,
  kindIntervals: Record<string, number>,
): RuleBase[] {
  const kind = kindOf(spec);
  const type = findRuleType(spec.type);
  const fail = (message: string) => new RulesError(`rule ${spec.id}: ${message}`);
  if (!type) throw fail(`unknown rule type "${spec.type}"`);
  const ctx: BuildContext = {
    kind,
    standards,
    expectedIntervalS: kindIntervals[kind.id] ?? kind.expectedIntervalS,
    base: {
      kind: kind.id,
      severity: spec.severity,
      enabled: spec.enabled,
      escalateAfterMs: spec.escalateAfterS === undefined ? undefined : ms(spec.escalateAfterS),
    },
    field(name) {
      const f = kind.fields[name];
      if (!f) throw fail(`field "${name}" is not a field of ${kind.id}`);
      return f;
    },
    limit(standard, parameter, bound, averaging) {
      try {
        return findLimit(standards, standard, {
          parameter,
          bound,
          averaging,
          unit: kind.fields[parameter]?.unit,
        });
      } catch (err) {
        throw fail((err as Error).message);
      }
    },
    fail,
  };
  return type.build(spec, ctx);
}

/** Applies an override patch: the common fields here, the rest by the rule's type. */
function applyPatch(rule: RuleBase, patch: RulePatch, expectedIntervalS?: number): RuleBase {
  const r = { ...rule };
  if (patch.enabled !== undefined) r.enabled = patch.enabled;
  if (patch.severity) r.severity = patch.severity;
  if (patch.escalateAfterS !== undefined) r.escalateAfterMs = ms(patch.escalateAfterS);
  findRuleType(r.ruleType)?.patch?.apply(r, patch, { expectedIntervalS });
  return r;
}

export type RuleSet = {
  all: readonly RuleBase[];
  /** Enabled rules for one station (kind rules with the station's overrides applied), cached. */
  forStation(kind: string, station: string): readonly RuleBase[];
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

  const byKind = new Map<string, RuleBase[]>();
  for (const rule of all) byKind.set(rule.kind, [...(byKind.get(rule.kind) ?? []), rule]);
  const cache = new Map<string, readonly RuleBase[]>();
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
