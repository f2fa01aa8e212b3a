import { describe, expect, it } from 'vitest';
import { limitsOf, STATUS_STANDARDS, stationStatus } from './status.ts';

const reading = (values: Record<string, number>, validity: Record<string, number> = {}) => ({
  ts: 0,
  values,
  validity,
});
const ispu = (category: string) => ({ ts: 0, ispu: 120, category, dominant: 'pm25', subIndices: {} });

describe('stationStatus', () => {
  it('reads the ISPU category the flows store, in snake_case', () => {
    expect(stationStatus('air_quality', undefined, ispu('Tidak Sehat'))).toBe('tidak_sehat');
    expect(stationStatus('air_quality', undefined, ispu('Sangat Tidak Sehat'))).toBe('sangat_tidak_sehat');
    expect(stationStatus('air_quality', reading({ pm25: 300 }))).toBe('unknown');
    expect(stationStatus('air_quality', undefined, ispu('Great'))).toBe('unknown');
  });

  it('judges wastewater against Permen LHK P.68/2016 at its edges, flow and flagged values aside', () => {
    expect(limitsOf('wastewater', STATUS_STANDARDS.wastewater).get('bod')).toEqual({ max: 30 });
    expect(stationStatus('wastewater', reading({ bod: 30, ph: 6 }))).toBe('compliant');
    expect(stationStatus('wastewater', reading({ bod: 30.01 }))).toBe('non_compliant');
    expect(stationStatus('wastewater', reading({ ph: 5.9 }))).toBe('non_compliant');
    expect(stationStatus('wastewater', reading({ bod: 99 }, { bod: 12 }))).toBe('unknown');
    expect(stationStatus('wastewater', reading({ flow: 1e6 }))).toBe('unknown');
  });

  it('gives low, normal and high pressure in bar (the atm limit converted)', () => {
    const limits = limitsOf('water_network', STATUS_STANDARDS.water_network).get('pressure');
    expect(limits?.min).toBe(0.7);
    expect(limits?.max).toBeCloseTo(8 * 1.01325, 9);
    expect(stationStatus('water_network', reading({ pressure: 0.69 }))).toBe('pressure_low');
    expect(stationStatus('water_network', reading({ pressure: 0.7 }))).toBe('pressure_normal');
    expect(stationStatus('water_network', reading({ pressure: 8.2 }))).toBe('pressure_high');
    expect(stationStatus('water_network', reading({ flow: 3 }))).toBe('unknown');
  });
});
