// Every format name a catalogue field carries is one the decoders understand: for each SenML alias and
// each Sensor.Community value_type of each kind, a mid-range value sent under that name arrives as that
// field. A name added to a helper in lib/catalogue/fields.ts is tested here without new test code.
import { describe, expect, it } from 'vitest';
import { kinds } from '../../../lib/catalogue/index.ts';
import { topics } from '../../../lib/catalogue/topics.ts';
import { decodeMessage } from '../decode.ts';
import { convertToField } from '../units.ts';

const now = Date.parse('2026-11-28T04:00:00Z');
const ctx = { now, time: { maxPastMs: 86_400_000, maxFutureMs: 60_000 }, maxPayloadBytes: 65536 };
const decode = (kind: string, payload: unknown) =>
  decodeMessage(topics.reading(kind, 'st-01'), Buffer.from(JSON.stringify(payload)), ctx);

describe('format names of the catalogue fields', () => {
  for (const kind of kinds) {
    for (const [field, spec] of Object.entries(kind.fields)) {
      const middle = (spec.min + spec.max) / 2;

      for (const name of spec.senml?.names ?? []) {
        it(`${kind.id}: SenML '${name}' is ${field}`, () => {
          const result = decode(kind.id, [{ bt: now / 1000, n: name, v: middle }]);
          expect(result).toMatchObject({ ok: true, readings: [{ values: { [field]: middle } }] });
        });
      }

      const sc = spec.sensorCommunity;
      for (const type of sc?.valueTypes ?? []) {
        it(`${kind.id}: Sensor.Community '${type}' is ${field}`, () => {
          // The value in the firmware's unit that converts to the middle of the range (units are linear).
          const at = (v: number) => {
            const converted = convertToField(v, sc?.unit, spec, field);
            if (!converted.ok) throw new Error(converted.detail);
            return converted.value;
          };
          const raw = (middle - at(0)) / (at(1) - at(0));
          const result = decode(kind.id, { sensordatavalues: [{ value_type: type, value: raw.toFixed(6) }] });
          expect(result.ok, JSON.stringify(result)).toBe(true);
          const values = result.ok ? (result.readings[0]?.values ?? {}) : {};
          expect(Object.keys(values)).toEqual([field]);
          expect(values[field]).toBeCloseTo(middle, 3);
        });
      }
    }
  }

  it('covers the names the decoders used to list', () => {
    const air = kinds.find((k) => k.id === 'air_quality');
    const types = Object.values(air?.fields ?? {}).flatMap((f) => f.sensorCommunity?.valueTypes ?? []);
    // 5 PM sensors x (P1, P2) + 6 temperature + 4 humidity + 3 pressure sensors.
    expect(types).toHaveLength(23);
    const aliases = kinds.flatMap((k) => Object.values(k.fields).flatMap((f) => f.senml?.names ?? []));
    expect(new Set(aliases)).toEqual(
      new Set(['temp', 'rh', 'hum', 'pm2_5', 'pm2.5', 'pres', 'press', 'chlorine', 'level']),
    );
  });
});
