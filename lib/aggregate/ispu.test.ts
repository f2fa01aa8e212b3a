import { describe, expect, it } from 'vitest';
import { ispuTables, loadStandards } from '../standards/index.ts';
import { categoryOf, roundIspu, stationIspu, subIndex } from './ispu.ts';

const tables = ispuTables(loadStandards());

// Hand-computed with I = (Ia - Ib) / (Xa - Xb) * (Xx - Xb) + Ib on the P.14/2020 table
// (standards.json), rounded up to an integer; [concentration ug/m3, ISPU, category].
const cases: Record<string, [number, number, string][]> = {
  pm25: [
    [0, 0, 'Baik'],
    [10, 33, 'Baik'], // 50 / 15.5 * 10 = 32.26
    [15.5, 50, 'Baik'],
    [15.6, 51, 'Sedang'], // 50 + 50 / 39.9 * 0.1 = 50.13
    [35, 75, 'Sedang'], // 50 + 50 / 39.9 * 19.5 = 74.44
    [55.4, 100, 'Sedang'],
    [55.45, 101, 'Tidak Sehat'], // between published edges: 100 + 100 / 95 * 0.05 = 100.05
    [100, 147, 'Tidak Sehat'], // 100 + 100 / 95 * 44.6 = 146.95
    [150.4, 200, 'Tidak Sehat'],
    [200, 250, 'Sangat Tidak Sehat'], // 200 + 49.6
    [250.4, 300, 'Sangat Tidak Sehat'],
    [300, 340, 'Berbahaya'], // 300 + 200 / 249.6 * 49.6 = 339.74
    [500, 500, 'Berbahaya'],
  ],
  pm10: [
    [50, 50, 'Baik'],
    [51, 51, 'Sedang'], // 50.5
    [100, 75, 'Sedang'],
    [150, 100, 'Sedang'],
    [151, 101, 'Tidak Sehat'], // 100.5
    [250, 150, 'Tidak Sehat'],
    [350, 200, 'Tidak Sehat'],
    [385, 250, 'Sangat Tidak Sehat'],
    [420, 300, 'Sangat Tidak Sehat'],
    [460, 400, 'Berbahaya'],
  ],
  so2: [
    [26, 25, 'Baik'],
    [52, 50, 'Baik'],
    [116, 75, 'Sedang'],
    [180, 100, 'Sedang'],
    [290, 150, 'Tidak Sehat'],
    [400, 200, 'Tidak Sehat'],
    [600, 250, 'Sangat Tidak Sehat'],
    [800, 300, 'Sangat Tidak Sehat'],
    [1000, 400, 'Berbahaya'],
  ],
  co: [
    [2000, 25, 'Baik'],
    [4000, 50, 'Baik'],
    [6000, 75, 'Sedang'],
    [8000, 100, 'Sedang'],
    [11500, 150, 'Tidak Sehat'],
    [15000, 200, 'Tidak Sehat'],
    [22500, 250, 'Sangat Tidak Sehat'],
    [30000, 300, 'Sangat Tidak Sehat'],
    [37500, 400, 'Berbahaya'],
  ],
  o3: [
    [60, 25, 'Baik'],
    [120, 50, 'Baik'],
    [177.5, 75, 'Sedang'],
    [235, 100, 'Sedang'],
    [317.5, 150, 'Tidak Sehat'],
    [400, 200, 'Tidak Sehat'],
    [600, 250, 'Sangat Tidak Sehat'],
    [800, 300, 'Sangat Tidak Sehat'],
    [900, 400, 'Berbahaya'],
  ],
  no2: [
    [40, 25, 'Baik'],
    [80, 50, 'Baik'],
    [140, 75, 'Sedang'],
    [200, 100, 'Sedang'],
    [200.1, 101, 'Tidak Sehat'], // 100 + 100 / 930 * 0.1 = 100.01
    [665, 150, 'Tidak Sehat'],
    [1130, 200, 'Tidak Sehat'],
    [1695, 250, 'Sangat Tidak Sehat'],
    [2260, 300, 'Sangat Tidak Sehat'],
    [2630, 400, 'Berbahaya'],
  ],
  hc: [
    [22.5, 25, 'Baik'],
    [45, 50, 'Baik'],
    [72.5, 75, 'Sedang'],
    [100, 100, 'Sedang'],
    [157.5, 150, 'Tidak Sehat'],
    [215, 200, 'Tidak Sehat'],
    [323.5, 250, 'Sangat Tidak Sehat'],
    [432, 300, 'Sangat Tidak Sehat'],
    [540, 400, 'Berbahaya'],
  ],
};

describe('ISPU sub-index (Permen LHK P.14/2020)', () => {
  it('has a table for every pollutant the cases cover', () => {
    expect([...tables.keys()].sort()).toEqual(Object.keys(cases).sort());
  });
  for (const [parameter, rows] of Object.entries(cases)) {
    it.each(rows)(`${parameter} %d ug/m3 -> ISPU %d (%s)`, (conc, index, category) => {
      const table = tables.get(parameter);
      if (!table) throw new Error(`no table for ${parameter}`);
      const s = subIndex(table, conc);
      expect(s?.index).toBe(index);
      expect(s?.category).toBe(category);
      expect(s?.beyondTable).toBe(false);
    });
  }

  it('caps above the table at its top index and says so', () => {
    const s = subIndex(tables.get('pm25') as never, 650);
    expect(s).toMatchObject({ index: 500, category: 'Berbahaya', beyondTable: true });
  });

  it('refuses negative and non-finite concentrations', () => {
    expect(subIndex(tables.get('pm25') as never, -1)).toBeUndefined();
    expect(subIndex(tables.get('pm25') as never, Number.NaN)).toBeUndefined();
  });

  it('rounds up but not float noise at a band edge', () => {
    expect(roundIspu(100.00000000000001)).toBe(100);
    expect(roundIspu(100.01)).toBe(101);
    expect(roundIspu(0)).toBe(0);
    expect(categoryOf(101)).toBe('Tidak Sehat');
  });

  it('takes the highest sub-index as the station ISPU', () => {
    const pm25 = subIndex(tables.get('pm25') as never, 35);
    const no2 = subIndex(tables.get('no2') as never, 665);
    expect(stationIspu([pm25, no2].filter((s) => s !== undefined))).toEqual({
      ispu: 150,
      category: 'Tidak Sehat',
      dominant: 'no2',
    });
    expect(stationIspu([])).toBeUndefined();
  });
});
