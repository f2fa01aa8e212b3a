import type { Column, Report, ReportRow, ReportType, StationMeta, StationSection } from '../../model.ts';

/**
 * One plausible computed Report of each of the four types, written by hand for the formats' tests: the
 * columns each type's issue text asks for, stations of simulators/stations/depok.json, a maintenance
 * note, a station without data, ISPU categories of every colour. Deterministic (no clock, no random).
 */

const HOUR = 3_600_000;
const WIB = 7 * HOUR;
/** 1 November 2026 00:00 WIB. */
export const NOVEMBER = Date.UTC(2026, 10, 1) - WIB;
export const DECEMBER = Date.UTC(2026, 11, 1) - WIB;
/** 3 November 2026 00:00 WIB. */
export const DAY = NOVEMBER + 2 * 24 * HOUR;
export const GENERATED = Date.UTC(2026, 11, 1, 9, 5);

// Units as the report types give them: the stored codes ("ug/m3"); the renderers print them as people write them.
const col = (key: string, format: Column['format'], extra: Partial<Column> = {}): Column => ({
  key,
  label: `report.column.${key}`,
  format,
  ...extra,
});

const station = (
  id: string,
  kind: string,
  name: string,
  district: string,
  operator: string,
  lat: number,
  lon: number,
): StationMeta => ({ id, kind, name, district, operator, lat, lon });

const section = (
  meta: StationMeta,
  rows: ReportRow[],
  capture: number | null,
  notes: StationSection['notes'] = [],
): StationSection => ({
  station: meta,
  rows,
  capture,
  notes,
  states: { validated: 0, provisional: rows.length, invalid: 0 },
});

const base = (type: ReportType, columns: Column[], sections: StationSection[]): Report => ({
  type,
  lang: 'id',
  title: `report.title.${type}`,
  period:
    type === 'ispu-daily'
      ? { label: '2026-11-03', from: DAY, to: DAY + 24 * HOUR, unit: 'day' }
      : { label: '2026-11', from: NOVEMBER, to: DECEMBER, unit: 'month' },
  generatedAt: GENERATED,
  agency: { name: 'Dinas Lingkungan Hidup dan Kebersihan Kota Depok' },
  standards: [],
  dataState: { validated: 0.1, provisional: 0.82, invalid: 0.08 },
  columns,
  sections,
});

const margonda = station('aq-margonda-01', 'air_quality', 'Jl. Margonda Raya (Detos)', 'beji', 'DLHK Depok', -6.3685, 106.8321);
const balaiKota = station('aq-pancoran-mas-01', 'air_quality', 'Balai Kota Depok', 'pancoran-mas', 'DLHK Depok', -6.3946, 106.8224);
const tapos = station('aq-tapos-01', 'air_quality', 'Kawasan industri Tapos', 'tapos', 'DLHK Depok', -6.4262, 106.8853);

/** PM2.5 ISPU categories' upper bounds (P.14/2020): 50 Baik, 100 Sedang, 200 Tidak Sehat, 300 Sangat. */
const category = (ispu: number) =>
  ispu <= 50 ? 'Baik' : ispu <= 100 ? 'Sedang' : ispu <= 200 ? 'Tidak Sehat' : ispu <= 300 ? 'Sangat Tidak Sehat' : 'Berbahaya';

export function ispuDaily(): Report {
  const columns = [
    col('hour', 'datetime'),
    col('pm25', 'number', { decimals: 1, unitFromRow: true }),
    col('ispu', 'integer'),
    col('category', 'ispu-category'),
    col('dominant', 'text'),
    col('capture', 'percent'),
  ];
  const rows = (id: string, scale: number): ReportRow[] =>
    Array.from({ length: 24 }, (_, h) => {
      // A morning and an evening rush, scaled per site; Tapos reaches Berbahaya at its evening peak.
      const ispu = Math.round(scale * (30 + 60 * Math.exp(-((h - 8) ** 2) / 6) + 90 * Math.exp(-((h - 18) ** 2) / 5)));
      return {
        station: id,
        parameter: 'pm25',
        period: `2026-11-03T${String(h).padStart(2, '0')}:00`,
        unit: 'ug/m3',
        hour: DAY + h * HOUR,
        pm25: Math.round(ispu * 0.553 * 10) / 10,
        ispu,
        category: category(ispu),
        dominant: h % 7 === 3 ? 'PM10' : 'PM2,5',
        capture: h === 4 ? 66.7 : 100,
      };
    });
  return {
    ...base('ispu-daily', columns, [
      section(margonda, rows(margonda.id, 1), 98.6),
      section(tapos, rows(tapos.id, 2.6), 95.8, [
        { label: 'maintenance.type.calibration', from: DAY + 4 * HOUR, to: DAY + 5 * HOUR, text: 'kalibrasi span PM2,5' },
      ]),
    ]),
    standards: ['id-ID-ispu-2020'],
  };
}

export function airMonthly(): Report {
  const columns = [
    col('parameter', 'text'),
    col('averaging', 'text'),
    col('mean', 'number', { decimals: 1, unitFromRow: true }),
    col('limit', 'number', { decimals: 0, unitFromRow: true }),
    col('exceedances', 'integer'),
    col('max', 'number', { decimals: 1, unitFromRow: true }),
    col('days_valid', 'integer'),
    col('capture', 'percent'),
  ];
  const params = [
    ['pm25', '24 jam', 55, 'ug/m3'],
    ['pm10', '24 jam', 75, 'ug/m3'],
    ['no2', '24 jam', 65, 'ug/m3'],
    ['so2', '24 jam', 75, 'ug/m3'],
    ['co', '8 jam', 10000, 'ug/m3'],
    ['o3', '8 jam', 100, 'ug/m3'],
  ] as const;
  const rows = (id: string, scale: number, days: number): ReportRow[] =>
    params.map(([parameter, averaging, limit, unit], i) => ({
      station: id,
      parameter,
      period: '2026-11',
      unit,
      averaging,
      mean: Math.round(limit * scale * (0.55 + 0.07 * i) * 10) / 10,
      limit,
      exceedances: scale > 1 && i < 2 ? 4 + i : 0,
      max: Math.round(limit * scale * (1.05 + 0.04 * i) * 10) / 10,
      days_valid: days,
      capture: Math.round((days / 30) * 1000) / 10,
    }));
  return {
    ...base('air-monthly', columns, [
      section(margonda, rows(margonda.id, 1.2, 29), 96.4, [
        { label: 'maintenance.type.maintenance', from: NOVEMBER + 11 * 24 * HOUR + 8 * HOUR, to: NOVEMBER + 11 * 24 * HOUR + 11 * HOUR },
      ]),
      section(balaiKota, rows(balaiKota.id, 0.8, 24), 80.1),
      section(tapos, [], null, [{ label: 'maintenance.type.instrument_failure', from: NOVEMBER + 20 * 24 * HOUR, to: null }]),
    ]),
    standards: ['id-ID-pp22-2021-ambient-air'],
  };
}

export function wastewaterMonthly(): Report {
  const columns = [
    col('parameter', 'text'),
    col('limit', 'number', { decimals: 0, unitFromRow: true }),
    col('compliance', 'percent'),
    col('exceedances', 'integer'),
    col('flow_volume', 'number', { decimals: 0 }),
    col('capture', 'percent'),
  ];
  const params = [
    ['ph', 9, '-'],
    ['bod', 30, 'mg/L'],
    ['cod', 100, 'mg/L'],
    ['tss', 30, 'mg/L'],
    ['ammonia', 10, 'mg/L'],
  ] as const;
  const rows = (id: string, volume: number, bad: number): ReportRow[] =>
    params.map(([parameter, limit, unit], i) => ({
      station: id,
      parameter,
      period: '2026-11',
      unit,
      limit,
      compliance: i === bad ? 87.5 : 100 - i * 0.4,
      exceedances: i === bad ? 3 : 0,
      flow_volume: volume,
      capture: 97.2,
    }));
  const suncen = station('ww-ipal-suncen', 'wastewater', 'IPAL Suncen', 'sukmajaya', 'UPTD PAL Depok', -6.3937, 106.8489);
  const rs = station('ww-rs-cinere', 'wastewater', 'IPAL RS Cinere', 'cinere', 'RS Cinere (self-monitoring)', -6.3277, 106.7853);
  return {
    ...base('wastewater-monthly', columns, [
      section(suncen, rows(suncen.id, 184_320, 1), 97.2, [
        { label: 'maintenance.type.maintenance', from: NOVEMBER + 5 * 24 * HOUR + 9 * HOUR, to: NOVEMBER + 5 * 24 * HOUR + 13 * HOUR, text: 'pembersihan sensor' },
      ]),
      section(rs, rows(rs.id, 6_912, 2), 91.0),
    ]),
    standards: ['id-ID-permenlhk-p68-2016-domestic-wastewater'],
  };
}

export function waterMonthly(): Report {
  const columns = [
    col('hours_below', 'integer'),
    col('hours_above', 'integer'),
    col('min_night_flow', 'number', { decimals: 2, unitFromRow: true }),
    col('chlorine_compliance', 'percent'),
    col('capture', 'percent'),
  ];
  const node = (meta: StationMeta, below: number, flow: number, chlorine: number): StationSection =>
    section(
      meta,
      [{ station: meta.id, parameter: 'pressure', period: '2026-11', unit: 'L/s', hours_below: below, hours_above: 2, min_night_flow: flow, chlorine_compliance: chlorine, capture: 99.1 }],
      99.1,
    );
  return {
    ...base('water-monthly', columns, [
      node(station('wn-beji-01', 'water_network', 'DMA Margonda', 'beji', 'PDAM Tirta Asasta', -6.3719, 106.8285), 14, 3.42, 98.6),
      node(station('wn-cinere-01', 'water_network', 'DMA Gandul', 'cinere', 'PDAM Tirta Asasta', -6.338, 106.79), 61, 7.05, 91.3),
    ]),
    standards: ['id-ID-permenkes-2-2023-drinking-water', 'id-ID-water-distribution-operational'],
  };
}

export const FIXTURES: Record<ReportType, () => Report> = {
  'ispu-daily': ispuDaily,
  'air-monthly': airMonthly,
  'wastewater-monthly': wastewaterMonthly,
  'water-monthly': waterMonthly,
};
