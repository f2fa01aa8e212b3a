import { describe, expect, it } from 'vitest';
import { decodeMessage } from '../../ingest/core/decode.ts';
import { profiles } from '../../simulators/profiles/index.ts';
import { findKind, KIND_ID_PATTERN, kinds } from './index.ts';
import { topics } from './topics.ts';

// Examples carry 2025-2026 device times; give the decoder a clock and window that cover them.
const ctx = {
  now: Date.parse('2026-11-28T04:00:00Z'),
  time: { maxPastMs: 800 * 86_400_000, maxFutureMs: 3_600_000 },
  maxPayloadBytes: 65536,
};
const bytes = (payload: unknown) =>
  Buffer.from(typeof payload === 'string' ? payload : JSON.stringify(payload));

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

      for (const example of kind.examples.valid) {
        it(`accepts example: ${example.title}`, () => {
          const result = decodeMessage(topics.reading(kind.id, 'st-01'), bytes(example.payload), ctx);
          expect(result).toMatchObject({ ok: true });
        });
      }
      for (const example of kind.examples.invalid) {
        it(`rejects example: ${example.title} (${example.reason})`, () => {
          const result = decodeMessage(topics.reading(kind.id, 'st-01'), bytes(example.payload), ctx);
          expect(result).toMatchObject({ ok: false, reason: example.reason });
        });
      }
    });
  }

  it('finds kinds by id and nothing else', () => {
    expect(findKind('air_quality')?.title).toBe('Air quality station');
    expect(findKind('__proto__')).toBeUndefined();
  });
});
