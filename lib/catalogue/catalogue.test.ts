import { describe, expect, it } from 'vitest';
import { findKind, KIND_ID_PATTERN, kinds } from './index.ts';

describe('sensor-kind catalogue', () => {
  it('has unique snake_case ids', () => {
    const ids = kinds.map((k) => k.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(KIND_ID_PATTERN);
  });

  for (const kind of kinds) {
    describe(kind.id, () => {
      it('declares sane fields: snake_case names, a unit, min < max', () => {
        expect(Object.keys(kind.fields).length).toBeGreaterThan(0);
        for (const [name, field] of Object.entries(kind.fields)) {
          expect(name).toMatch(/^[a-z][a-z0-9_]*$/);
          expect(field.unit.length).toBeGreaterThan(0);
          expect(field.min).toBeLessThan(field.max);
        }
        expect(kind.expectedIntervalS).toBeGreaterThan(0);
      });
    });
  }

  it('finds kinds by id and nothing else', () => {
    expect(findKind('air_quality')?.title).toBe('Air quality station');
    expect(findKind('__proto__')).toBeUndefined();
  });
});
