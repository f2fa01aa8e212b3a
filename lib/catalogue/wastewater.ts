import type { KindSpec } from './types.ts';

// Effluent parameters of Permen LHK P.68/2016 plus flow and temperature. Upper ranges are the
// instruments' (raw industrial influent can reach tens of thousands of mg/L COD), not the limits.
export const wastewater: KindSpec = {
  id: 'wastewater',
  title: 'Wastewater outfall',
  description: 'Effluent of a domestic treatment plant (IPAL) or an industry.',
  expectedIntervalS: 300,
  fields: {
    ph: { unit: 'pH', min: 0, max: 14, description: 'pH' },
    bod: { unit: 'mg/L', min: 0, max: 20000, description: 'Biochemical oxygen demand (BOD5)' },
    cod: { unit: 'mg/L', min: 0, max: 50000, description: 'Chemical oxygen demand' },
    tss: { unit: 'mg/L', min: 0, max: 20000, description: 'Total suspended solids' },
    nh3n: { unit: 'mg/L', min: 0, max: 2000, description: 'Ammonia (as NH3-N)' },
    oil_grease: { unit: 'mg/L', min: 0, max: 5000, description: 'Oil and grease' },
    total_coliform: { unit: 'count/100mL', min: 0, max: 1e9, description: 'Total coliform' },
    flow: { unit: 'L/s', min: 0, max: 10000, description: 'Discharge flow' },
    temperature: { unit: 'degC', min: 0, max: 80, description: 'Effluent temperature' },
  },
  examples: {
    valid: [
      {
        title: 'IPAL outfall, RFC 3339 time',
        payload: {
          ts: '2026-11-28T03:00:00Z',
          values: { ph: 7.2, bod: 24.5, cod: 78, tss: 21, nh3n: 6.4, oil_grease: 1.2, flow: 12.6 },
        },
      },
    ],
    invalid: [
      { title: 'pH above 14', payload: { ts: 1795834800000, values: { ph: 15.1 } }, reason: 'out_of_range' },
      {
        title: 'NaN written as null',
        payload: { ts: 1795834800000, values: { bod: null } },
        reason: 'invalid_payload',
      },
      { title: 'missing values', payload: { ts: 1795834800000 }, reason: 'invalid_payload' },
    ],
  },
};
