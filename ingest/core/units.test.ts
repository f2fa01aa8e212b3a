import { describe, expect, it } from 'vitest';
import type { FieldSpec } from '../../lib/catalogue/index.ts';
import { convertToField } from './units.ts';

const field = (unit: string, ugM3PerPpb?: number): FieldSpec => ({
  unit,
  min: -1e9,
  max: 1e9,
  description: '',
  ugM3PerPpb,
});

describe('convertToField', () => {
  it.each([
    [38.4, undefined, field('ug/m3'), 38.4],
    [38.4, 'ug/m3', field('ug/m3'), 38.4],
    [3.84e-8, 'kg/m3', field('ug/m3'), 38.4],
    [0.078, 'kg/m3', field('mg/L'), 78],
    [10, 'ppb', field('ug/m3', 1.88), 18.8],
    [1, 'ppm', field('ug/m3', 1.145), 1145],
    [29.8, 'Cel', field('degC'), 29.8],
    [273.15, 'K', field('degC'), 0],
    [78, '%RH', field('fraction'), 0.78],
    [0.78, '/', field('fraction'), 0.78],
    [100520, 'Pa', field('hPa'), 1005.2],
    [235000, 'Pa', field('bar'), 2.35],
    [235, 'kPa', field('bar'), 2.35],
    [1, 'atm', field('hPa'), 1013.25],
    [1.5, 'bar', field('bar'), 1.5],
    [0.0418, 'm3/s', field('L/s'), 41.8],
    [12.6, 'l/s', field('L/s'), 12.6],
    [36, 'km/h', field('m/s'), 10],
    [Math.PI, 'rad', field('deg'), 180],
    [55, 'dB', field('dB'), 55],
  ])('%s %s -> %s', (value, unit, spec, expected) => {
    expect(convertToField(value, unit, spec, 'x')).toEqual({ ok: true, value: expected });
  });

  it.each([
    ['an unknown unit', 'furlong', field('ug/m3')],
    ['a unit of another case', 'cel', field('degC')],
    ['another dimension', 'Pa', field('degC')],
    ['ppb without a factor', 'ppb', field('ug/m3')],
    ['a canonical unit that no device unit reaches', 'm', field('NTU')],
    ['a catalogue unit unknown here', 'Cel', field('degF')],
    ['a prototype key', '__proto__', field('ug/m3')],
  ])('refuses %s', (_name, unit, spec) => {
    expect(convertToField(1, unit, spec, 'x')).toMatchObject({ ok: false, reason: 'unknown_unit' });
  });
});
