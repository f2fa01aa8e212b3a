import { ISPU_CATEGORIES, ispuLabel, standardName } from '../../i18n/alert-text.js';
import { type Translator, translator } from '../../i18n/index.ts';
import { TIME_ZONE } from '../../i18n/message.js';
import { districtName } from '../../registry/districts.ts';
import type { Cell, Column, Report, ReportNote, ReportRow, StationMeta } from '../model.ts';

/**
 * The words a printed report shows, in its language, shared by the HTML (PDF) and XLSX formats: the
 * period, the data state, the standards, a station's identity and notes, a cell as text. Every word
 * comes from the catalogue (lib/i18n/locales/<lang>/report-print.json and the report types' files).
 */

/**
 * The ISPU categories' colours, the operator console's (dashboards/public/style.css `.ispu-*`), so a
 * category looks the same on screen and on paper: Baik green, Sedang blue, Tidak Sehat yellow, Sangat
 * Tidak Sehat red, Berbahaya black (Permen LHK P.14/MENLHK/SETJEN/KUM.1/7/2020 names the colours).
 */
export const ISPU_COLOURS: Readonly<Record<string, { fill: string; ink: string }>> = {
  Baik: { fill: '#2e7d32', ink: '#ffffff' },
  Sedang: { fill: '#1565c0', ink: '#ffffff' },
  'Tidak Sehat': { fill: '#fdd835', ink: '#222222' },
  'Sangat Tidak Sehat': { fill: '#c62828', ink: '#ffffff' },
  Berbahaya: { fill: '#000000', ink: '#ffffff' },
};

export const isIspuCategory = (value: Cell | undefined): value is string =>
  typeof value === 'string' && Object.hasOwn(ISPU_CATEGORIES, value);

export const wordsOf = (report: Report): Translator => translator(report.lang);

const DAY_MS = 86_400_000;

/** The period in WIB: "3 November 2026" for a day, "November 2026 (1–30 November 2026)" for a month. */
export function periodText(tr: Translator, report: Report): string {
  const { from, to, unit } = report.period;
  const days = new Intl.DateTimeFormat(tr.locale, {
    timeZone: TIME_ZONE,
    day: 'numeric',
    month: 'long',
    year: 'numeric',
  });
  // `to` is exclusive: the last day shown is the one holding its last millisecond.
  const last = Math.max(from, to - 1);
  if (unit === 'day' || to - from <= DAY_MS) return days.format(from);
  const range = days.formatRange(from, last);
  if (unit !== 'month') return range;
  const month = new Intl.DateTimeFormat(tr.locale, { timeZone: TIME_ZONE, month: 'long', year: 'numeric' });
  return tr.t('report.print.period_month', { month: month.format(from), range });
}

/** The standards by their citations ("PP 22/2021 Lampiran VII"), in the report's order. */
export const standardsText = (tr: Translator, report: Report): string =>
  report.standards.map((id) => standardName(tr, id)).join('; ');

const share = (tr: Translator, part: number) => tr.number(part * 100, { maximumFractionDigits: 0 });

/** The data state as lines: validated, provisional and invalid shares in %, or "no data". */
export function dataStateLines(tr: Translator, report: Report): string[] {
  const { validated, provisional, invalid } = report.dataState;
  if (validated + provisional + invalid <= 0) return [tr.t('report.print.state.none')];
  return [
    tr.t('report.print.state.validated', { share: share(tr, validated) }),
    tr.t('report.print.state.provisional', { share: share(tr, provisional) }),
    tr.t('report.print.state.invalid', { share: share(tr, invalid) }),
  ];
}

export const generatedText = (tr: Translator, report: Report): string =>
  tr.t('report.print.generated', { time: report.generatedAt });

/** Coordinates with their hemispheres ("6,3747° LS, 106,8198° BT"), or undefined without both. */
export function coordinatesText(tr: Translator, station: StationMeta): string | undefined {
  const { lat, lon } = station;
  if (lat === undefined || lon === undefined || !Number.isFinite(lat) || !Number.isFinite(lon))
    return undefined;
  const deg = (n: number) => tr.number(Math.abs(n), { minimumFractionDigits: 4, maximumFractionDigits: 4 });
  const ns =
    lat < 0
      ? tr.t('report.print.lat_south', { n: deg(lat) })
      : tr.t('report.print.lat_north', { n: deg(lat) });
  const ew =
    lon < 0 ? tr.t('report.print.lon_west', { n: deg(lon) }) : tr.t('report.print.lon_east', { n: deg(lon) });
  return `${ns}, ${ew}`;
}

/** A station's identity as short facts: id, district, operator, coordinates (those it has). */
export function stationFacts(tr: Translator, station: StationMeta): string[] {
  const facts = [tr.t('report.print.station.id', { id: station.id })];
  if (station.district)
    facts.push(tr.t('report.print.station.district', { district: districtName(station.district) }));
  if (station.operator) facts.push(tr.t('report.print.station.operator', { operator: station.operator }));
  const coordinates = coordinatesText(tr, station);
  if (coordinates) facts.push(tr.t('report.print.station.coordinates', { coordinates }));
  return facts;
}

export const captureText = (tr: Translator, capture: number | null): string =>
  capture === null || !Number.isFinite(capture)
    ? tr.t('report.print.capture_none')
    : tr.t('report.print.capture', { capture: tr.number(capture, { maximumFractionDigits: 1 }) });

/** A note under a station's table: "Pemeliharaan: 12 Nov 2026 08.00 WIB – 12 Nov 2026 11.00 WIB". */
export function noteText(tr: Translator, note: ReportNote): string {
  // Maintenance types are lower-case words in running text ("pemeliharaan"); a note starts with one.
  const word = tr.t(note.label);
  const label = word.charAt(0).toLocaleUpperCase(tr.locale) + word.slice(1);
  // The free text (what the technician wrote) follows the times, when there is one.
  const text = note.text ? ` (${note.text})` : '';
  if (note.to === null) return tr.t('report.print.note_open', { label, from: note.from, text });
  return tr.t('report.print.note', { label, from: note.from, to: note.to, text });
}

const LEADING: readonly Column[] = [
  { key: 'parameter', label: 'report.column.parameter', format: 'text' },
  { key: 'period', label: 'report.column.period', format: 'text' },
];

/**
 * The columns a printed table shows: the row's parameter and period first (every row has them, and the
 * CSV prints them always) unless the type lists them itself or they are the same on every row of the
 * report (one parameter, one period: said once in the headings instead); the period also not when the
 * type has a time column of its own.
 */
export function printedColumns(report: Report): Column[] {
  const own = new Set(report.columns.map((c) => c.key));
  if (report.columns.some((c) => c.format === 'datetime')) own.add('period');
  const varies = (key: string) => new Set(report.sections.flatMap((s) => s.rows.map((r) => r[key]))).size > 1;
  return [...LEADING.filter((c) => !own.has(c.key) && varies(c.key)), ...report.columns];
}

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;

/** A column's heading: its catalogue label. */
export const headingText = (tr: Translator, column: Column): string => tr.t(column.label);

/** The parameter as people name it (`field.<kind>.<field>`), else as the row has it. */
export function parameterText(tr: Translator, kind: string, parameter: string): string {
  const key = `field.${kind}.${parameter}`;
  return tr.has(key) ? tr.t(key) : parameter;
}

/**
 * A row's unit as people write it ("ug/m3" -> "µg/m³", lib/units); the data keeps the code. "-" is the
 * catalogue's unit of a dimensionless value (pH): nothing to print.
 */
export function unitText(tr: Translator, unit: Cell | undefined): string {
  const code = typeof unit === 'string' ? unit.trim() : '';
  return code === '-' ? '' : tr.unit(code);
}

/** A cell as text in the report's language: decimals by the column, shares in %, times in WIB. */
export function cellText(tr: Translator, column: Column, row: ReportRow, kind: string): string {
  const value = row[column.key];
  if (value === null || value === undefined || value === '') return '–';
  if (column.key === 'parameter' && typeof value === 'string') return parameterText(tr, kind, value);
  if (column.key === 'period' && typeof value === 'string' && ISO_TIME.test(value))
    return tr.dateTime(Date.parse(value));
  if (column.key === 'unit' && typeof value === 'string') return unitText(tr, value) || '–';
  if (typeof value === 'string') {
    return column.format === 'ispu-category' ? ispuLabel(tr, value) : value;
  }
  if (!Number.isFinite(value)) return '–';
  const rowUnit = unitText(tr, row.unit);
  const unit = column.unitFromRow && rowUnit !== '' ? ` ${rowUnit}` : '';
  switch (column.format) {
    case 'integer':
      return tr.number(Math.round(value), { maximumFractionDigits: 0 }) + unit;
    case 'number': {
      const d = column.decimals ?? 1;
      return tr.number(value, { minimumFractionDigits: d, maximumFractionDigits: d }) + unit;
    }
    case 'percent':
      return `${tr.number(value, { maximumFractionDigits: column.decimals ?? 1 })} %`;
    case 'datetime':
      return tr.dateTime(value);
    default:
      return tr.number(value) + unit;
  }
}
