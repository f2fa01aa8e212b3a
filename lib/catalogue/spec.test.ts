import { describe, expect, it } from 'vitest';
import { humidity, pressure, temperature } from './fields.ts';
import { senmlAliases, sensorCommunityNames } from './format-names.ts';
import { findKind } from './index.ts';
import { parseKindSpec } from './spec.ts';

const base = {
  id: 'test_kind',
  title: 'Test',
  description: '',
  expectedIntervalS: 60,
  fields: { temperature: temperature() },
  examples: { valid: [], invalid: [] },
};
const problemOf = (input: unknown) => {
  const parsed = parseKindSpec(input);
  return parsed.ok ? undefined : parsed.problem;
};

describe('KindSpecSchema', () => {
  it('accepts a minimal entry', () => {
    expect(parseKindSpec(base)).toMatchObject({ ok: true, kind: { id: 'test_kind' } });
  });

  it.each([
    ['an id that is not snake_case', { ...base, id: 'River-Level' }, /^id: a kind id is snake_case/],
    ['a kind without fields', { ...base, fields: {} }, /^fields: a kind needs at least one field/],
    ['a field name that is not snake_case', { ...base, fields: { Temp: temperature() } }, /snake_case/],
    [
      'min not below max',
      { ...base, fields: { level: { unit: 'm', min: 5, max: 5, description: '' } } },
      /^fields.level: min must be below max/,
    ],
    [
      'a field without unit',
      { ...base, fields: { level: { min: 0, max: 1, description: '' } } },
      /level.unit/,
    ],
    ['a non-positive interval', { ...base, expectedIntervalS: 0 }, /^expectedIntervalS/],
    ['an unknown key (a typo)', { ...base, expectedInterval: 60 }, /expectedInterval/],
    [
      'an invalid example without reason',
      { ...base, examples: { valid: [], invalid: [{ title: 'x', payload: {} }] } },
      /^examples.invalid.0.reason/,
    ],
    [
      'a SenML alias that names another field',
      { ...base, fields: { temperature: temperature({ senml: { names: ['rh'] } }), rh: humidity() } },
      /SenML name 'rh' of temperature already names rh/,
    ],
    [
      'a SenML alias two fields claim',
      { ...base, fields: { temperature: temperature(), water_temp: temperature() } },
      /SenML name 'temp' of water_temp already names temperature/,
    ],
    [
      'an upper-case SenML alias (the decoder lower-cases names)',
      { ...base, fields: { temperature: temperature({ senml: { names: ['Temp'] } }) } },
      /senml.names.0/,
    ],
    [
      'a Sensor.Community value_type two fields claim',
      {
        ...base,
        fields: {
          humidity: humidity(),
          wet: humidity({ senml: { names: ['wet_rh'] } }),
        },
      },
      /Sensor.Community 'BME280_humidity' of wet already names humidity/,
    ],
    [
      'a field name the validity codes would collide with',
      { ...base, fields: { level_validity: temperature() } },
      /may not be validity or end in _validity/,
    ],
    [
      "the reading's validity field as a field name",
      { ...base, fields: { validity: temperature() } },
      /may not be validity/,
    ],
    [
      'a plausibility ceiling at or above the range (the span check owns that)',
      { ...base, fields: { temperature: temperature({ validity: { plausibleMax: 60 } }) } },
      /^fields.temperature.validity.plausibleMax: validity.plausibleMax must be below max/,
    ],
    [
      'two ceilings',
      {
        ...base,
        fields: {
          temperature: temperature({
            validity: { plausibleMax: 50, plausibleMaxFactorOfLimit: { standard: 's', factor: 2 } },
          }),
        },
      },
      /not both/,
    ],
    [
      'a ceiling as a multiple of a limit no standard has for that field and unit',
      {
        ...base,
        fields: {
          temperature: temperature({
            validity: { plausibleMaxFactorOfLimit: { standard: 'id-ID-pp22-2021-ambient-air', factor: 2 } },
          }),
        },
      },
      /^fields.temperature.validity.plausibleMaxFactorOfLimit: no limit for id-ID-pp22-2021-ambient-air: temperature max/,
    ],
    [
      'a flat line of one value',
      { ...base, fields: { temperature: temperature({ validity: { flatLineCount: 1 } }) } },
      /flatLineCount/,
    ],
    [
      'a spike factor without a rate',
      {
        ...base,
        fields: { humidity: humidity({ validity: { spikePerMinute: undefined, spikeFactor: 2 } }) },
      },
      /spikeFactor needs spikePerMinute/,
    ],
  ])('refuses %s', (_, input, problem) => {
    expect(problemOf(input)).toMatch(problem);
  });
});

describe('validity blocks', () => {
  it("merge a kind's keys into the helper's", () => {
    const water = temperature({ min: 0, validity: { impossibleAtOrBelow: 0 } });
    expect(water.validity).toEqual({ ...temperature().validity, impossibleAtOrBelow: 0 });
    expect(pressure().validity).toMatchObject({ saturatesAt: 'both' });
  });
});

describe('format names from the catalogue fields', () => {
  it('gives each kind the SenML aliases and Sensor.Community names of its own fields', () => {
    const air = findKind('air_quality');
    const water = findKind('water_network');
    if (!air || !water) throw new Error('shipped kinds missing');
    expect(senmlAliases(air).get('pm2.5')).toBe('pm25');
    expect(senmlAliases(air).get('level')).toBeUndefined();
    expect(senmlAliases(water).get('level')).toBe('tank_level');
    expect(senmlAliases(water).get('pres')).toBe('pressure');
    expect(sensorCommunityNames(air).get('SDS_P1')).toEqual({ field: 'pm10', unit: 'ug/m3' });
    expect(sensorCommunityNames(air).get('BMP180_pressure')).toEqual({ field: 'pressure', unit: 'Pa' });
    expect(sensorCommunityNames(air).get('BMP180_humidity')).toBeUndefined();
    // Water pressure and temperature are not what a Sensor.Community station measures.
    expect(sensorCommunityNames(water).size).toBe(0);
    expect(pressure({ unit: 'bar' }).sensorCommunity).toBeUndefined();
  });
});
