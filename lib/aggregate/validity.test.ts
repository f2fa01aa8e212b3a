import { describe, expect, it } from 'vitest';
import { COUNTED_CODES, isInvalid, validValues } from './validity.ts';

describe('validity codes', () => {
  it('0, a missing code and null are valid; every other code is invalid unless listed as counted', () => {
    expect(COUNTED_CODES.size).toBe(0);
    for (const code of [0, undefined, null]) expect(isInvalid(code), String(code)).toBe(false);
    for (const code of [1, 11, 18, -1, 2.5, '0', true, {}]) expect(isInvalid(code), String(code)).toBe(true);
  });

  it('validValues drops the flagged fields, and returns the same object when none is', () => {
    const values = { pm25: 30, pm10: 50, co: 900 };
    expect(validValues(values, undefined)).toEqual({ values, skipped: 0 });
    expect(validValues(values, undefined).values).toBe(values);
    expect(validValues(values, { pm25: 0 }).values).toBe(values);
    expect(validValues(values, { pm25: 4, co: 0, no2: 9 })).toEqual({
      values: { pm10: 50, co: 900 },
      skipped: 1,
    });
    expect(values).toEqual({ pm25: 30, pm10: 50, co: 900 });
    // A field named like an Object.prototype member is still only a field.
    expect(validValues({ constructor: 1 }, {}).skipped).toBe(0);
  });
});
