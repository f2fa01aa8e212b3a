import { isInvalid } from '../../lib/aggregate/index.ts';
import { findKind } from '../../lib/catalogue/index.ts';
import { loadStandards, type StandardsFile } from '../../lib/standards/index.ts';
import type { IspuPoint, LatestReading } from './source.ts';

/**
 * A station's state for the map, from its latest reading (and ISPU, for air), as data per kind:
 * - air quality: the ISPU category (Permen LHK P.14/2020) of its last hourly ISPU;
 * - wastewater: compliant or non-compliant against the standard the alert flows apply (flows/rules.json
 *   `p68`), each valid value against the parameter's limits in the catalogue's unit;
 * - water network: pressure low, normal or high against the distribution criteria.
 * `unknown` when the station has nothing to judge yet.
 */
export type StationStatus =
  | 'unknown'
  | 'baik'
  | 'sedang'
  | 'tidak_sehat'
  | 'sangat_tidak_sehat'
  | 'berbahaya'
  | 'compliant'
  | 'non_compliant'
  | 'pressure_low'
  | 'pressure_normal'
  | 'pressure_high';

export const STATUSES: readonly StationStatus[] = [
  'unknown',
  'baik',
  'sedang',
  'tidak_sehat',
  'sangat_tidak_sehat',
  'berbahaya',
  'compliant',
  'non_compliant',
  'pressure_low',
  'pressure_normal',
  'pressure_high',
];

export const STATUS_STANDARDS = {
  wastewater: 'id-ID-permenlhk-p68-2016-domestic-wastewater',
  water_network: 'id-ID-water-distribution-operational',
} as const;

// The distribution table gives the upper pressure in atm only; 1 atm = 1.01325 bar (exact, by definition).
const TO_UNIT: Record<string, Record<string, number>> = { atm: { bar: 1.01325 } };

type Bounds = { min?: number; max?: number };

/** The limits of each field of `kind` in a standard, converted to the catalogue's unit where needed. */
export function limitsOf(kind: string, standardId: string, file: StandardsFile = loadStandards()) {
  const spec = findKind(kind);
  const standard = file.standards.find((s) => s.id === standardId);
  const out = new Map<string, Bounds>();
  if (!spec || !standard) return out;
  for (const p of standard.pollutants) {
    const field = spec.fields[p.parameter];
    if (!field || !p.limits) continue;
    const factor = p.unit === field.unit ? 1 : TO_UNIT[p.unit]?.[field.unit];
    if (factor === undefined) continue;
    const bounds = out.get(p.parameter) ?? {};
    for (const limit of p.limits) {
      // The tightest of several entries (the distribution table lists pressure in atm and in bar).
      if (typeof limit.min === 'number') bounds.min = Math.max(bounds.min ?? -Infinity, limit.min * factor);
      if (typeof limit.max === 'number') bounds.max = Math.min(bounds.max ?? Infinity, limit.max * factor);
    }
    out.set(p.parameter, bounds);
  }
  return out;
}

const wastewaterLimits = limitsOf('wastewater', STATUS_STANDARDS.wastewater);
const pressureLimits = limitsOf('water_network', STATUS_STANDARDS.water_network).get('pressure') ?? {};
const ISPU_CATEGORIES = new Set(STATUSES.slice(1, 6));

const validValue = (r: LatestReading, field: string) => {
  const value = r.values[field];
  return value !== undefined && !isInvalid(r.validity[field]) ? value : undefined;
};

export function stationStatus(kind: string, reading?: LatestReading, ispu?: IspuPoint): StationStatus {
  if (kind === 'air_quality') {
    // The flows tag ISPU points with the regulation's words ("Tidak Sehat"): snake_case here.
    const category = ispu?.category.toLowerCase().replace(/\s+/g, '_') as StationStatus | undefined;
    return category && ISPU_CATEGORIES.has(category) ? category : 'unknown';
  }
  if (!reading) return 'unknown';
  if (kind === 'wastewater') {
    let judged = false;
    for (const [field, { min, max }] of wastewaterLimits) {
      if (field === 'flow') continue; // a daily volume limit, not an instantaneous one (rules.json excludes it)
      const value = validValue(reading, field);
      if (value === undefined) continue;
      judged = true;
      if ((min !== undefined && value < min) || (max !== undefined && value > max)) return 'non_compliant';
    }
    return judged ? 'compliant' : 'unknown';
  }
  if (kind === 'water_network') {
    const value = validValue(reading, 'pressure');
    if (value === undefined) return 'unknown';
    if (pressureLimits.min !== undefined && value < pressureLimits.min) return 'pressure_low';
    if (pressureLimits.max !== undefined && value > pressureLimits.max) return 'pressure_high';
    return 'pressure_normal';
  }
  return 'unknown';
}
