import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../random.ts';
import * as fields from './fields.ts';
import { findKind, KIND_ID_PATTERN, kinds, registerKind } from './index.ts';
import { shippedKinds } from './kinds/index.ts';
import { valuesSchemaFor } from './schema.ts';
import type { StationTraits } from './simulation/model.ts';
import { FieldSpecSchema, KindSpecSchema } from './spec.ts';

// The catalogue's invariants, checked over every entry (as zigbee-herdsman-converters checks its
// devices): a new kind folder is tested by these loops without a line of test code.

const folders = readdirSync(join(import.meta.dirname, 'kinds'), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name);

describe('sensor-kind catalogue', () => {
  it('has unique snake_case ids', () => {
    const ids = kinds.map((k) => k.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(KIND_ID_PATTERN);
  });

  it('registers every kind folder, named after its id, holding kind.ts, examples.ts and profile.ts', () => {
    expect(folders.sort()).toEqual(shippedKinds.map((k) => k.spec.id.replaceAll('_', '-')).sort());
    for (const folder of folders)
      for (const file of ['kind.ts', 'examples.ts', 'profile.ts'])
        expect(existsSync(join(import.meta.dirname, 'kinds', folder, file)), `${folder}/${file}`).toBe(true);
  });

  it('every field helper builds a valid field', () => {
    const helpers = Object.entries(fields).filter(([name]) => name !== 'numeric');
    expect(helpers.length).toBeGreaterThan(20);
    for (const [name, helper] of helpers) {
      const parsed = FieldSpecSchema.safeParse((helper as () => unknown)());
      expect(parsed.success, `${name}(): ${parsed.error?.message}`).toBe(true);
    }
  });

  it('helpers take overrides where kinds differ', () => {
    const water = fields.temperature({ min: 0, max: 80, description: 'Effluent temperature' });
    expect(water).toMatchObject({ unit: 'degC', min: 0, max: 80, senml: { names: ['temp'] } });
    expect(water.sensorCommunity).toBeUndefined();
    expect(fields.airTemperature().sensorCommunity?.valueTypes).toContain('BME280_temperature');
  });

  for (const { spec, model } of shippedKinds) {
    describe(spec.id, () => {
      const kind = findKind(spec.id);

      it('is valid against KindSpecSchema and is what findKind returns', () => {
        expect(KindSpecSchema.safeParse(spec).error).toBeUndefined();
        expect(kind).toEqual(KindSpecSchema.parse(spec));
        expect(kind?.expectedIntervalS).toBeGreaterThan(0);
      });

      it('has valid examples whose values pass its values schema, and invalid ones with a reason', () => {
        expect(spec.examples.valid.length).toBeGreaterThan(0);
        expect(spec.examples.invalid.length).toBeGreaterThan(0);
        const values = valuesSchemaFor(spec);
        for (const example of spec.examples.valid) {
          const payload = example.payload as { values?: unknown };
          expect(values.safeParse(payload.values).error, example.title).toBeUndefined();
        }
        const titles = [...spec.examples.valid, ...spec.examples.invalid].map((e) => e.title);
        expect(new Set(titles).size).toBe(titles.length);
      });

      it('has a simulator profile whose values are all its fields, within range, all day long', () => {
        expect(new Set(model.drivers).size).toBe(model.drivers.length);
        for (const driver of model.drivers) expect(driver).toMatch(/^[a-z][a-z0-9_]*$/);
        const random = seededRandom(11);
        const start = Date.parse('2026-11-28T00:00:00+07:00');
        const stations: StationTraits[] = [
          { id: 'x', kind: spec.id, intensity: 1, distanceKm: 3 },
          { id: 'y', kind: spec.id, intensity: 1.5, distanceKm: 9, traits: { tank: true, industrial: true } },
          { id: 'z', kind: spec.id, intensity: 0.5, distanceKm: 1, traits: { source: 'industrial' } },
        ];
        for (const station of stations)
          for (let hour = 0; hour < 24; hour++) {
            const values = model.profile(station, start + hour * 3_600_000, random);
            expect(Object.keys(values).length).toBeGreaterThan(0);
            for (const [name, value] of Object.entries(values)) {
              const field = spec.fields[name];
              expect(field, `${spec.id}.${name} is not in the catalogue`).toBeDefined();
              expect(value).toBeGreaterThanOrEqual(field?.min ?? Number.NaN);
              expect(value).toBeLessThanOrEqual(field?.max ?? Number.NaN);
            }
          }
      });
    });
  }

  it('finds kinds by id and nothing else', () => {
    expect(findKind('air_quality')?.title).toBe('Air quality station');
    expect(findKind('__proto__')).toBeUndefined();
  });

  it('refuses to register a duplicate or a malformed kind, and registers neither', () => {
    const count = kinds.length;
    expect(() => registerKind(shippedKinds[0]?.spec)).toThrow(/already registered/);
    expect(() => registerKind({ ...shippedKinds[0]?.spec, id: 'Bad-Id' })).toThrow(/snake_case/);
    expect(() => registerKind({ ...shippedKinds[0]?.spec, id: 'no_fields', fields: {} })).toThrow(
      /at least one field/,
    );
    expect(kinds.length).toBe(count);
  });
});
