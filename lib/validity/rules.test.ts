import { describe, expect, it } from 'vitest';
import { findKind, kinds } from '../catalogue/index.ts';
import type { FieldSpec } from '../catalogue/spec.ts';
import { loadStandards } from '../standards/index.ts';
import { clockRule, fieldRule, kindRules } from './rules.ts';

const standards = loadStandards();
const field = (validity: FieldSpec['validity']): FieldSpec => ({
  unit: 'ug/m3',
  min: 0,
  max: 1000,
  description: '',
  validity,
});

describe('fieldRule', () => {
  it('turns every absent check off', () => {
    expect(fieldRule('x', field(undefined))).toEqual({
      impossibleAtOrBelow: Number.NEGATIVE_INFINITY,
      ceiling: Number.POSITIVE_INFINITY,
      spanLow: Number.NEGATIVE_INFINITY,
      spanHigh: Number.POSITIVE_INFINITY,
      flatLineCount: 0,
      flatLow: Number.NEGATIVE_INFINITY,
      flatHigh: Number.POSITIVE_INFINITY,
      spikePerMinute: 0,
      spikeFactor: 0,
    });
  });

  it("computes a ceiling as a multiple of the field's own limit, in its own unit", () => {
    const spec = field({
      plausibleMaxFactorOfLimit: { standard: 'id-ID-pp22-2021-ambient-air', averaging: '24h', factor: 10 },
    });
    expect(fieldRule('pm25', spec, standards).ceiling).toBe(550);
    // The WHO guideline gives CO in mg/m3: a field in ug/m3 finds no limit rather than a wrong one.
    const co = field({
      plausibleMaxFactorOfLimit: { standard: 'who-aqg-2021', averaging: '24h', factor: 1 },
    });
    expect(() => fieldRule('co', co, standards)).toThrow(/no limit/);
  });

  it('refuses an ambiguous limit, an unknown standard and a missing standards file', () => {
    const ambiguous = field({
      plausibleMaxFactorOfLimit: { standard: 'id-ID-pp22-2021-ambient-air', factor: 10 },
    });
    expect(() => fieldRule('pm25', ambiguous, standards)).toThrow(/2 limits match/);
    const unknown = field({ plausibleMaxFactorOfLimit: { standard: 'nowhere', factor: 10 } });
    expect(() => fieldRule('pm25', unknown, standards)).toThrow(/unknown standard/);
    expect(() => fieldRule('pm25', ambiguous)).toThrow(/needs the standards file/);
  });

  it('puts the span ends an epsilon inside the range (0.1 % by default)', () => {
    expect(fieldRule('x', field({ saturatesAt: 'both' }))).toMatchObject({ spanLow: 1, spanHigh: 999 });
    expect(fieldRule('x', field({ saturatesAt: 'max', spanEpsilon: 0 }))).toMatchObject({
      spanLow: Number.NEGATIVE_INFINITY,
      spanHigh: 1000,
    });
  });
});

describe('the shipped catalogue', () => {
  it('resolves every ceiling to one limit, inside the range and above the limit it multiplies', () => {
    let ceilings = 0;
    for (const kind of kinds) {
      const { names, rules } = kindRules(kind, standards);
      names.forEach((name, i) => {
        const spec = kind.fields[name] as FieldSpec;
        const rule = rules[i];
        if (!rule || rule.ceiling === Number.POSITIVE_INFINITY) return;
        ceilings++;
        expect(rule.ceiling, `${kind.id}.${name}`).toBeGreaterThan(spec.min);
        expect(rule.ceiling, `${kind.id}.${name}`).toBeLessThan(spec.max);
        const factor = spec.validity?.plausibleMaxFactorOfLimit?.factor ?? 1;
        expect(
          factor,
          `${kind.id}.${name}: a ceiling at the limit would flag every exceedance`,
        ).toBeGreaterThan(1);
      });
    }
    expect(ceilings).toBeGreaterThanOrEqual(12);
  });

  it('has the ceilings its comments give', () => {
    const ceiling = (kind: string, name: string) => {
      const spec = findKind(kind)?.fields[name] as FieldSpec;
      return fieldRule(name, spec, standards).ceiling;
    };
    expect(ceiling('air_quality', 'pm25')).toBe(550);
    expect(ceiling('air_quality', 'pm10')).toBe(1500);
    expect(ceiling('air_quality', 'co')).toBe(50_000);
    expect(ceiling('wastewater', 'cod')).toBe(10_000);
    expect(ceiling('wastewater', 'total_coliform')).toBe(Number.POSITIVE_INFINITY);
  });

  it('never calls the values the alert rules exist for impossible: 0 chlorine, 0 bar, 0 flow, 0 ozone', () => {
    const impossible = (kind: string, name: string, value: number) => {
      const spec = findKind(kind)?.fields[name] as FieldSpec;
      return value <= fieldRule(name, spec, standards).impossibleAtOrBelow;
    };
    expect(impossible('water_network', 'free_chlorine', 0)).toBe(false);
    expect(impossible('water_network', 'pressure', 0)).toBe(false);
    expect(impossible('wastewater', 'flow', 0)).toBe(false);
    expect(impossible('air_quality', 'o3', 0)).toBe(false);
    expect(impossible('water_network', 'ph', 0)).toBe(true);
    expect(impossible('air_quality', 'humidity', 0)).toBe(true);
  });
});

describe('clockRule', () => {
  it('turns a direction off at 0', () => {
    expect(clockRule(120_000, 0)).toEqual({ aheadMs: 120_000, behindMs: Number.POSITIVE_INFINITY });
    expect(clockRule(0, 5)).toEqual({ aheadMs: Number.POSITIVE_INFINITY, behindMs: 5 });
  });
});
