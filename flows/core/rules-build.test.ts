import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { findKind } from '../../lib/catalogue/index.ts';
import { loadStandards } from '../../lib/standards/index.ts';
import { buildRuleSet, parseOverrides, parseRulesFile } from './rules-build.ts';

const standards = loadStandards();
const shipped = JSON.parse(readFileSync(new URL('../rules.json', import.meta.url), 'utf8'));
const build = (rules: unknown, overrides: unknown = {}) =>
  buildRuleSet(parseRulesFile(rules), parseOverrides(overrides), standards);

describe('rules from standards.json', () => {
  const set = build(shipped);
  const byId = (kind: string, id: string) => set.all.find((r) => r.kind === kind && r.id === id);

  it('every shipped rule names a catalogue kind and field', () => {
    for (const rule of set.all) {
      const kind = findKind(rule.kind);
      expect(kind, rule.id).toBeDefined();
      if (rule.ruleType !== 'ispu')
        expect(kind?.fields[rule.parameter], `${rule.kind}.${rule.parameter}`).toBeDefined();
    }
  });

  it('takes the regulation numbers and averaging periods', () => {
    expect(byId('air_quality', 'pm25-24h')).toMatchObject({
      max: 55,
      windowMs: 86_400_000,
      averaging: '24h',
    });
    expect(byId('air_quality', 'no2-1h')).toMatchObject({ max: 200, windowMs: 3_600_000 });
    expect(byId('air_quality', 'co-8h')).toMatchObject({ max: 4000 });
    expect(byId('wastewater', 'p68-bod')).toMatchObject({ max: 30, ruleType: 'compliance' });
    expect(byId('wastewater', 'p68-ph')).toMatchObject({ min: 6, max: 9 });
    expect(byId('water_network', 'free-chlorine-low')).toMatchObject({ min: 0.2, provisional: false });
    expect(byId('water_network', 'pressure-low')).toMatchObject({ min: 0.7, provisional: true });
    expect(
      set.all.some(
        (r) =>
          r.kind === 'wastewater' &&
          r.parameter === 'flow' &&
          ['threshold', 'compliance'].includes(r.ruleType),
      ),
    ).toBe(false);
  });

  it('applies kind and station overrides', () => {
    const o = build(shipped, {
      kinds: { water_network: { expectedIntervalS: 10, rules: { 'pressure-drop': { change: 0.5 } } } },
      stations: { 'wn-9': { rules: { 'turbidity-high': { enabled: false } } } },
    });
    const wn9 = o.forStation('water_network', 'wn-9');
    expect(wn9.find((r) => r.id === 'turbidity-high')).toBeUndefined();
    expect(wn9.find((r) => r.id === 'pressure-drop')).toMatchObject({ change: 0.5 });
    expect(o.forStation('water_network', 'wn-1').find((r) => r.id === 'stale-pressure')).toMatchObject({
      expectedIntervalMs: 10_000,
    });
  });

  it.each([
    [
      { rules: [{ id: 'x', type: 'threshold', kind: 'nope', field: 'a', max: 1 }] },
      {},
      /kind "nope" is not in the catalogue/,
    ],
    [
      { rules: [{ id: 'x', type: 'threshold', kind: 'wastewater', field: 'pm25', max: 1 }] },
      {},
      /field "pm25" is not a field of wastewater/,
    ],
    [
      {
        rules: [
          {
            id: 'x',
            type: 'mean',
            kind: 'air_quality',
            field: 'pm25',
            averaging: '2h',
            standard: 'id-ID-pp22-2021-ambient-air',
          },
        ],
      },
      {},
      /no limit for/,
    ],
    [
      {
        rules: [
          {
            id: 'p68',
            type: 'compliance',
            kind: 'wastewater',
            standard: 'id-ID-permenlhk-p68-2016-domestic-wastewater',
          },
        ],
      },
      {},
      /flow is in L\/person\/day .* add it to "exclude"/,
    ],
    [{ rules: [{ id: 'Bad Id', type: 'stale', kind: 'wastewater' }] }, {}, /rules\.0\.id: rule ids match/],
    [
      { rules: [{ id: 'x', type: 'nope', kind: 'wastewater' }] },
      {},
      /rules\.0\.type: unknown rule type; one of threshold, compliance/,
    ],
    [{ rules: [] }, { kinds: { wastewater: { rules: { x: { nope: 1 } } } } }, /Unrecognized key/],
    [{ rules: [] }, { kinds: { wastewater: { rules: { nope: { max: 1 } } } } }, /no rule "nope"/],
    [
      {
        rules: [
          {
            id: 'x',
            type: 'threshold',
            kind: 'water_network',
            field: 'pressure',
            standard: 'id-ID-water-distribution-operational',
            bounds: ['max'],
          },
        ],
      },
      {},
      /no limit/,
    ],
  ])('refuses bad rules with a clear error (%#)', (rules, overrides, message) => {
    expect(() => build(rules, overrides)).toThrow(message);
  });
});
