import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadStandards } from '../../../lib/standards/index.ts';
import { buildRuleSet, parseOverrides, parseRulesFile } from '../rules-build.ts';
import { findRuleType, ruleTypes } from './registry.ts';

const testdata = join(import.meta.dirname, '..', 'testdata');
const caseDirs = readdirSync(testdata, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => join(testdata, d.name));
const readJson = (path: string) => JSON.parse(readFileSync(path, 'utf8'));
const specsOf = (dir: string): { type: string }[] => [
  ...readJson(join(dir, 'rules.json')).rules,
  ...(existsSync(join(dir, 'overrides.json')) ? (readJson(join(dir, 'overrides.json')).rules ?? []) : []),
];

describe('rule type registry', () => {
  it('has unique names, each found by name', () => {
    const names = ruleTypes.map((t) => t.type);
    expect(new Set(names).size).toBe(names.length);
    for (const t of ruleTypes) expect(findRuleType(t.type)).toBe(t);
    expect(findRuleType('nope')).toBeUndefined();
  });

  it('every rule type has a golden case (testdata/<case>/rules.json)', () => {
    const used = new Set(caseDirs.flatMap((dir) => specsOf(dir).map((s) => s.type)));
    expect(ruleTypes.map((t) => t.type).filter((name) => !used.has(name))).toEqual([]);
  });

  it('each schema takes only entries of its own type', () => {
    for (const t of ruleTypes) {
      const other = ruleTypes.find((o) => o !== t)?.type;
      expect(t.schema.safeParse({ id: 'x', kind: 'wastewater', type: other }).success, t.type).toBe(false);
    }
  });

  it('every rule built from a spec carries the type that built it', () => {
    for (const dir of caseDirs) {
      const specs = specsOf(dir);
      const set = buildRuleSet(parseRulesFile({ rules: specs }), parseOverrides({}), loadStandards());
      const types = new Set(specs.map((s) => s.type));
      for (const rule of set.all) expect(types.has(rule.ruleType), `${dir}: ${rule.id}`).toBe(true);
    }
  });
});
