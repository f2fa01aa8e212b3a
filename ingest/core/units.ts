import type { FieldSpec } from '../../lib/catalogue/index.ts';
import { type Reason, Reasons } from './reasons.ts';

/**
 * Unit conversion from what devices send to the catalogue's canonical units (FieldSpec.unit).
 * Each unit is a linear map to a base unit of its dimension: base = value * factor + offset.
 */
type Dimension =
  | 'mass_concentration' // base ug/m3
  | 'mixing_ratio' // base ppb
  | 'temperature' // base degC
  | 'fraction' // base 1
  | 'pressure' // base Pa
  | 'flow' // base L/s
  | 'speed' // base m/s
  | 'angle' // base degree
  | 'rain_rate' // base mm/h
  | 'ph'
  | 'length' // base m
  | 'turbidity'
  | 'count';
type UnitDef = { dimension: Dimension; factor: number; offset?: number };

/**
 * Units a device may name: the SenML registry (RFC 8428 section 12.1: kg/m3, Cel, K, %RH, /, Pa, m3/s,
 * l/s, m/s, rad, pH, m), its secondary units (RFC 8798: ug/m3, ppm, hPa, km/h, mm/h, cm) and a few
 * common ones the brief asks for (ppb, kPa, bar, atm). Case matters: SenML units are case-sensitive.
 */
const DEVICE_UNITS = new Map<string, UnitDef>([
  ['ug/m3', { dimension: 'mass_concentration', factor: 1 }],
  ['kg/m3', { dimension: 'mass_concentration', factor: 1e9 }],
  ['ppb', { dimension: 'mixing_ratio', factor: 1 }],
  ['ppm', { dimension: 'mixing_ratio', factor: 1000 }],
  ['Cel', { dimension: 'temperature', factor: 1 }],
  ['K', { dimension: 'temperature', factor: 1, offset: -273.15 }],
  ['%RH', { dimension: 'fraction', factor: 0.01 }],
  ['%', { dimension: 'fraction', factor: 0.01 }],
  ['/', { dimension: 'fraction', factor: 1 }],
  ['Pa', { dimension: 'pressure', factor: 1 }],
  ['hPa', { dimension: 'pressure', factor: 100 }],
  ['kPa', { dimension: 'pressure', factor: 1000 }],
  ['bar', { dimension: 'pressure', factor: 1e5 }],
  ['atm', { dimension: 'pressure', factor: 101325 }],
  ['m3/s', { dimension: 'flow', factor: 1000 }],
  ['l/s', { dimension: 'flow', factor: 1 }],
  ['m/s', { dimension: 'speed', factor: 1 }],
  ['km/h', { dimension: 'speed', factor: 1 / 3.6 }],
  ['rad', { dimension: 'angle', factor: 180 / Math.PI }],
  ['mm/h', { dimension: 'rain_rate', factor: 1 }],
  ['pH', { dimension: 'ph', factor: 1 }],
  ['m', { dimension: 'length', factor: 1 }],
  ['cm', { dimension: 'length', factor: 0.01 }],
]);

/** The catalogue's canonical units (lib/catalogue/fields.ts). 1 mg/L = 1 g/m3 = 1e6 ug/m3. */
const CANONICAL_UNITS = new Map<string, UnitDef>([
  ['ug/m3', { dimension: 'mass_concentration', factor: 1 }],
  ['mg/L', { dimension: 'mass_concentration', factor: 1e6 }],
  ['degC', { dimension: 'temperature', factor: 1 }],
  ['fraction', { dimension: 'fraction', factor: 1 }],
  ['hPa', { dimension: 'pressure', factor: 100 }],
  ['bar', { dimension: 'pressure', factor: 1e5 }],
  ['L/s', { dimension: 'flow', factor: 1 }],
  ['m/s', { dimension: 'speed', factor: 1 }],
  ['deg', { dimension: 'angle', factor: 1 }],
  ['mm/h', { dimension: 'rain_rate', factor: 1 }],
  ['pH', { dimension: 'ph', factor: 1 }],
  ['m', { dimension: 'length', factor: 1 }],
  ['NTU', { dimension: 'turbidity', factor: 1 }],
  ['count/100mL', { dimension: 'count', factor: 1 }],
]);

export type Converted = { ok: true; value: number } | { ok: false; reason: Reason; detail: string };

// Conversions by 1e-9 or 1/3.6 leave float noise (0.78000000000000001); no field instrument resolves
// 12 significant digits, so rounding there changes no measurement and keeps stored numbers clean.
const roundNoise = (x: number) => Number(x.toPrecision(12));

/**
 * `value` given in `unit` (undefined: the field's canonical unit is implied, as in the native payload)
 * -> the field's canonical unit. Mixing ratios (ppb, ppm) become ug/m3 through the field's
 * ugM3PerPpb factor (25 degC, 1 atm, standards unit_conversions); a field without one cannot take them.
 */
export function convertToField(
  value: number,
  unit: string | undefined,
  field: FieldSpec,
  name: string,
): Converted {
  // Exactly the catalogue's unit needs no table entry (a kind registered at run time may use any unit).
  if (unit === undefined || unit === field.unit) return { ok: true, value };
  const from = DEVICE_UNITS.get(unit);
  if (!from)
    return {
      ok: false,
      reason: Reasons.unknownUnit,
      detail: `${name}: unit '${unit.slice(0, 32)}' is not known`,
    };
  const to = CANONICAL_UNITS.get(field.unit);
  const cannot = {
    ok: false,
    reason: Reasons.unknownUnit,
    detail: `${name}: '${unit}' cannot convert to ${field.unit}`,
  } as const;
  if (!to) return cannot;
  let base: number;
  if (from.dimension === 'mixing_ratio' && to.dimension === 'mass_concentration') {
    if (field.ugM3PerPpb === undefined) return cannot;
    base = value * from.factor * field.ugM3PerPpb;
  } else if (from.dimension === to.dimension) {
    base = value * from.factor + (from.offset ?? 0);
  } else {
    return cannot;
  }
  if (
    from.factor === to.factor &&
    (from.offset ?? 0) === (to.offset ?? 0) &&
    from.dimension === to.dimension
  ) {
    return { ok: true, value };
  }
  return { ok: true, value: roundNoise((base - (to.offset ?? 0)) / to.factor) };
}
