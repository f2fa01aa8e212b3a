import type { Alert, StationTags } from './alert.ts';
import { findRuleType } from './rules/registry.ts';
import type { AnyRuleType, RuleBase } from './rules/rule-type.ts';
import type { RuleSet } from './rules-build.ts';

export type ActiveAlert = {
  alert: Alert;
  escalatedAt?: number | undefined;
  /** When a muted alert outlasted its maintenance window: escalation counts from then. */
  unmutedAt?: number | undefined;
};

/** The engine's state file (`<FLOWS_STATE_DIR>/alerts-state.json`). */
export type EngineSnapshot = {
  version: 2;
  alerts: ActiveAlert[];
  tags: Record<string, StationTags>;
  /** Rule state by rule type, then by alert id (`<kind>/<station>/<rule>`), as each type saves it. */
  rules: Record<string, Record<string, unknown>>;
};

/**
 * Version 1, written before rule types were files: one section per evaluator keyed by alert id
 * (`thresholds`, `means`, `rates`), ISPU per station (`ispu`), arrival times per field (`lastHeard`).
 * Each rule type reads its own part (`fromV1`); sites that upgrade keep their alerts and state.
 */
export type EngineSnapshotV1 = {
  version: 1;
  alerts: ActiveAlert[];
  tags: Record<string, StationTags>;
} & Record<string, unknown>;

export type StoredSnapshot = Partial<EngineSnapshot> | Partial<EngineSnapshotV1>;

type SavedState = { rule: RuleBase; type: AnyRuleType; station: string; saved: unknown };

/** The rule states of a stored snapshot, of either version, for the rules as built now. */
export function savedStates(s: StoredSnapshot, rules: RuleSet): SavedState[] {
  return s.version === 2 ? fromV2(s as Partial<EngineSnapshot>, rules) : fromV1(s, rules);
}

function fromV2(s: Partial<EngineSnapshot>, rules: RuleSet): SavedState[] {
  const out: SavedState[] = [];
  for (const [name, states] of Object.entries(s.rules ?? {})) {
    const type = findRuleType(name);
    if (!type) continue;
    for (const [id, saved] of Object.entries(states)) {
      const [kind = '', station = '', ruleId] = id.split('/');
      // A rule removed or changed to another type since the save starts afresh.
      const rule = rules.forStation(kind, station).find((r) => r.id === ruleId && r.ruleType === name);
      if (rule) out.push({ rule, type, station, saved });
    }
  }
  return out;
}

function fromV1(s: Record<string, unknown>, rules: RuleSet): SavedState[] {
  // Every key of every section starts with `<kind>/<station>`.
  const sections = Object.entries(s).filter(
    (e): e is [string, Record<string, unknown>] =>
      e[0] !== 'alerts' && e[0] !== 'tags' && typeof e[1] === 'object' && e[1] !== null,
  );
  const stations = new Set<string>();
  for (const [, section] of sections) {
    for (const key of Object.keys(section)) {
      const [kind, station] = key.split('/');
      if (kind && station) stations.add(`${kind}/${station}`);
    }
  }
  // Where each rule of those stations would have kept its state: section -> key -> rules.
  const places = new Map<string, Map<string, Omit<SavedState, 'saved'>[]>>();
  for (const pair of stations) {
    const [kind = '', station = ''] = pair.split('/');
    for (const rule of rules.forStation(kind, station)) {
      const type = findRuleType(rule.ruleType);
      if (!type?.v1) continue;
      const section = places.get(type.v1.section) ?? new Map();
      places.set(type.v1.section, section);
      const key = type.v1.key(rule, station);
      section.set(key, [...(section.get(key) ?? []), { rule, type, station }]);
    }
  }
  // In the file's order, which is the order version 1 ticked in.
  const out: SavedState[] = [];
  for (const [name, section] of sections) {
    const place = places.get(name);
    if (!place) continue;
    for (const [key, value] of Object.entries(section)) {
      for (const p of place.get(key) ?? []) {
        out.push({ ...p, saved: p.type.v1?.state ? p.type.v1.state(value) : value });
      }
    }
  }
  return out;
}
