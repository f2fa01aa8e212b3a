import { describe, expect, it } from 'vitest';
import { kinds } from '../../lib/catalogue/index.ts';
import { profiles } from './index.ts';

const ctx = { now: Date.parse('2026-11-28T04:00:00Z') };

describe('simulator profiles', () => {
  for (const kind of kinds) {
    describe(kind.id, () => {
      it('has a simulator profile whose values are all catalogue fields within range', () => {
        const profile = profiles[kind.id];
        expect(profile).toBeDefined();
        const values =
          profile?.({ id: 'x', kind: kind.id, intensity: 1, distanceKm: 3 }, ctx.now, () => 0.5) ?? {};
        for (const [name, value] of Object.entries(values)) {
          const field = kind.fields[name];
          expect(field, `${kind.id}.${name} is not in the catalogue`).toBeDefined();
          expect(value).toBeGreaterThanOrEqual(field?.min ?? Number.NaN);
          expect(value).toBeLessThanOrEqual(field?.max ?? Number.NaN);
        }
      });
    });
  }
});
