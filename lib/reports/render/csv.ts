import type { Cell, Column, FormatSpec, Report } from '../model.ts';

/**
 * CSV (RFC 4180): one row per station, parameter and period, the header the column keys (stable,
 * English, snake_case), UTF-8 with a byte-order mark so Excel reads Indonesian text right, CRLF line
 * ends. Numbers are printed in full (JavaScript's shortest round-trip form, `.` as the decimal mark),
 * times as ISO 8601 in WIB (`2027-01-15T09:00:00+07:00`), ISPU categories as their ids (`tidak_sehat`),
 * percentages as numbers 0..100, units as their codes (`ug/m3`, as the open-data API's CSV has them: a
 * data file joins and filters on codes; the PDF and XLSX print `µg/m³`). An empty cell is no value.
 */
const BOM = '\uFEFF';
const WIB_MS = 7 * 3_600_000;

export function wibIso(ms: number): string {
  return `${new Date(ms + WIB_MS).toISOString().slice(0, 19)}+07:00`;
}

function quote(text: string): string {
  return /[",\r\n]/.test(text) || text !== text.trim() ? `"${text.replaceAll('"', '""')}"` : text;
}

export function cellText(value: Cell | undefined, column?: Column): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return '';
    return column?.format === 'datetime' ? wibIso(value) : String(value);
  }
  return quote(value);
}

/** The report's table as CSV text (without the byte-order mark). */
export function csvText(report: Report): string {
  const keys = ['station', 'parameter', 'period', ...report.columns.map((c) => c.key)];
  const byKey = new Map(report.columns.map((c) => [c.key, c] as const));
  const lines = [keys.map(quote).join(',')];
  for (const section of report.sections)
    for (const row of section.rows) lines.push(keys.map((k) => cellText(row[k], byKey.get(k))).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

export const csvFormat: FormatSpec = {
  format: 'csv',
  extension: 'csv',
  contentType: 'text/csv; charset=utf-8',
  render: async (report) => new TextEncoder().encode(BOM + csvText(report)),
};
