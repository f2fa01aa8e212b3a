import ExcelJS from 'exceljs';
import type { Translator } from '../../i18n/index.ts';
import type { Cell, Column, FormatSpec, Report, ReportRow, StationSection } from '../model.ts';
import {
  captureText,
  cellText,
  dataStateLines,
  headingText,
  ISPU_COLOURS,
  isIspuCategory,
  noteText,
  periodText,
  printedColumns,
  standardsText,
  stationFacts,
  unitText,
  wordsOf,
} from './words.ts';

/**
 * XLSX (issue 16) with exceljs: a cover sheet (title, agency, period, standards, data state, generation
 * time), then the data as real numbers, shares and dates, so a reader can sum, filter and chart them.
 *
 * Up to `SHEET_PER_STATION_UP_TO` stations, one sheet per station with its identity above its table,
 * like the PDF; beyond that one "Data" sheet with a station column and a "Stasiun" sheet of the
 * stations' identities: 37 tabs are not navigable, and one long table is what a filter or a pivot
 * table wants. Times are Excel dates showing WIB (exceljs writes a Date as UTC, so it is shifted by +7 h).
 */

export const SHEET_PER_STATION_UP_TO = 10;
const WIB_MS = 7 * 3_600_000;
const HEADING_FILL = 'FFE8EEF2';
const argb = (hex: string) => `FF${hex.replace('#', '').toUpperCase()}`;

/** An Excel date that reads as the WIB wall-clock time of an epoch ms. */
export const wibDate = (ms: number): Date => new Date(ms + WIB_MS);

function numberFormat(column: Column): string | undefined {
  const decimals = (d: number) => (d > 0 ? `.${'0'.repeat(d)}` : '');
  switch (column.format) {
    case 'integer':
      return '#,##0';
    case 'number':
      return `#,##0${decimals(column.decimals ?? 1)}`;
    case 'percent':
      return `0${decimals(column.decimals ?? 1)}%`;
    case 'datetime':
      return 'dd/mm/yyyy hh:mm';
    default:
      return undefined;
  }
}

/** The value Excel stores: numbers as numbers (percent as a fraction), times as dates, words as text. */
function value(tr: Translator, column: Column, row: ReportRow, kind: string): ExcelJS.CellValue {
  const v: Cell | undefined = row[column.key];
  if (v === null || v === undefined || v === '') return null;
  if (typeof v === 'string') return cellText(tr, column, row, kind);
  if (!Number.isFinite(v)) return null;
  if (column.format === 'percent') return v / 100;
  if (column.format === 'datetime') return wibDate(v);
  return v;
}

/** The row's unit gets a column of its own when a column takes it from the row (numbers stay numbers). */
const takesUnit = (report: Report) => report.columns.some((c) => c.unitFromRow);

type Heading = { text: string; column?: Column; extra?: (row: ReportRow, section: StationSection) => string };

function headings(tr: Translator, report: Report, withStation: boolean): Heading[] {
  const list: Heading[] = [];
  if (withStation) list.push({ text: tr.t('report.print.column.station'), extra: (_r, s) => s.station.id });
  for (const column of printedColumns(report)) list.push({ text: headingText(tr, column), column });
  if (takesUnit(report)) {
    list.push({
      text: tr.t('report.print.column.unit'),
      extra: (r) => unitText(tr, r.unit),
    });
  }
  return list;
}

/** Writes a table (heading row + rows) from `top`; returns the heading row's number. */
function writeTable(
  tr: Translator,
  sheet: ExcelJS.Worksheet,
  list: Heading[],
  sections: readonly StationSection[],
  top: number,
): number {
  const head = sheet.getRow(top);
  list.forEach((h, i) => {
    const cell = head.getCell(i + 1);
    cell.value = h.text;
    cell.font = { bold: true };
    cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: HEADING_FILL } };
    cell.alignment = { wrapText: true, vertical: 'top' };
  });
  const widths = list.map((h) => Math.min(24, h.text.length));
  let at = top + 1;
  for (const section of sections) {
    for (const row of section.rows) {
      const line = sheet.getRow(at++);
      list.forEach((h, i) => {
        const cell = line.getCell(i + 1);
        const kind = section.station.kind;
        cell.value = h.column ? value(tr, h.column, row, kind) : (h.extra?.(row, section) ?? null);
        const text = h.column ? cellText(tr, h.column, row, kind) : String(cell.value ?? '');
        widths[i] = Math.max(widths[i] ?? 0, text.length);
        if (!h.column) return;
        const fmt = numberFormat(h.column);
        if (fmt) cell.numFmt = fmt;
        const raw = row[h.column.key];
        if (h.column.format === 'ispu-category' && isIspuCategory(raw)) {
          const colour = ISPU_COLOURS[raw];
          if (colour) {
            cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: argb(colour.fill) } };
            cell.font = { bold: true, color: { argb: argb(colour.ink) } };
          }
        }
      });
    }
  }
  // Fitted widths: the longest text shown, within what a screen shows without scrolling far.
  widths.forEach((w, i) => {
    sheet.getColumn(i + 1).width = Math.max(8, Math.min(48, w + 2));
  });
  return top;
}

/** Sheet names: at most 31 characters, none of : \ / ? * [ ], unique. */
function sheetName(wanted: string, taken: Set<string>): string {
  const base = wanted.replace(/[:\\/?*[\]]/g, '-').slice(0, 31) || 'sheet';
  let name = base;
  for (let n = 2; taken.has(name.toLowerCase()); n++) name = `${base.slice(0, 28)}-${n}`;
  taken.add(name.toLowerCase());
  return name;
}

function cover(tr: Translator, book: ExcelJS.Workbook, report: Report, taken: Set<string>): void {
  const sheet = book.addWorksheet(sheetName(tr.t('report.print.sheet.cover'), taken));
  const lines: [string, ExcelJS.CellValue][] = [
    [tr.t('report.print.fact.title'), tr.t(report.title)],
    [tr.t('report.print.fact.agency'), report.agency.name],
    [tr.t('report.print.fact.period'), periodText(tr, report)],
    [tr.t('report.print.fact.standards'), standardsText(tr, report)],
    ...dataStateLines(tr, report).map((line, i): [string, string] => [
      i === 0 ? tr.t('report.print.fact.state') : '',
      line,
    ]),
    [tr.t('report.print.fact.generated'), wibDate(report.generatedAt)],
    [tr.t('report.print.fact.time_zone'), tr.t('report.print.time_zone')],
    [tr.t('report.print.fact.stations'), report.sections.length],
  ];
  lines.forEach(([label, v], i) => {
    const row = sheet.getRow(i + 1);
    row.getCell(1).value = label;
    row.getCell(1).font = { bold: true };
    row.getCell(2).value = v;
    if (v instanceof Date) row.getCell(2).numFmt = 'dd/mm/yyyy hh:mm';
  });
  sheet.getCell('B1').font = { bold: true, size: 14 };
  sheet.getColumn(1).width = Math.max(...lines.map(([l]) => l.length)) + 2;
  sheet.getColumn(2).width = Math.min(80, Math.max(...lines.map(([, v]) => String(v ?? '').length)) + 2);
}

function stationSheet(
  tr: Translator,
  book: ExcelJS.Workbook,
  report: Report,
  s: StationSection,
  taken: Set<string>,
) {
  const sheet = book.addWorksheet(sheetName(s.station.id, taken));
  sheet.getCell('A1').value = s.station.name;
  sheet.getCell('A1').font = { bold: true, size: 13 };
  sheet.getCell('A2').value = stationFacts(tr, s.station).join(' · ');
  sheet.getCell('A3').value = captureText(tr, s.capture);
  const top = writeTable(tr, sheet, headings(tr, report, false), [s], 5);
  sheet.views = [{ state: 'frozen', ySplit: top, xSplit: 0 }];
  let at = top + s.rows.length + 2;
  if (s.notes.length > 0) {
    sheet.getCell(`A${at}`).value = tr.t('report.print.notes');
    sheet.getCell(`A${at++}`).font = { bold: true };
    for (const note of s.notes) sheet.getCell(`A${at++}`).value = noteText(tr, note);
  }
}

function stationsSheet(tr: Translator, book: ExcelJS.Workbook, report: Report, taken: Set<string>) {
  const sheet = book.addWorksheet(sheetName(tr.t('report.print.sheet.stations'), taken));
  const head = [
    'report.print.column.station',
    'report.print.column.name',
    'report.print.column.district',
    'report.print.column.operator',
    'report.print.column.lat',
    'report.print.column.lon',
    'report.print.column.capture',
    'report.print.notes',
  ].map((key) => tr.t(key));
  sheet.addRow(head).font = { bold: true };
  for (const s of report.sections) {
    const m = s.station;
    const notes = s.notes.map((n) => noteText(tr, n)).join('\n');
    const row = sheet.addRow([
      m.id,
      m.name,
      m.district ?? '',
      m.operator ?? '',
      m.lat ?? null,
      m.lon ?? null,
      s.capture === null ? null : s.capture / 100,
      notes,
    ]);
    row.getCell(7).numFmt = '0.0%';
  }
  sheet.views = [{ state: 'frozen', ySplit: 1, xSplit: 0 }];
  sheet.columns.forEach((column, i) => {
    const texts = [
      head[i] ?? '',
      ...report.sections.map((_s, r) => String(sheet.getRow(r + 2).getCell(i + 1).value ?? '')),
    ];
    column.width = Math.max(10, Math.min(48, Math.max(...texts.map((t) => t.length)) + 2));
  });
}

export async function reportWorkbook(report: Report): Promise<ExcelJS.Workbook> {
  const tr = wordsOf(report);
  const book = new ExcelJS.Workbook();
  book.creator = report.agency.name;
  book.created = new Date(report.generatedAt);
  book.title = tr.t(report.title);
  const taken = new Set<string>();
  cover(tr, book, report, taken);
  if (report.sections.length <= SHEET_PER_STATION_UP_TO) {
    for (const s of report.sections) stationSheet(tr, book, report, s, taken);
  } else {
    const sheet = book.addWorksheet(sheetName(tr.t('report.print.sheet.data'), taken));
    const list = headings(tr, report, true);
    writeTable(tr, sheet, list, report.sections, 1);
    sheet.views = [{ state: 'frozen', ySplit: 1, xSplit: 1 }];
    sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: list.length } };
    stationsSheet(tr, book, report, taken);
  }
  return book;
}

export const xlsxFormat: FormatSpec = {
  format: 'xlsx',
  extension: 'xlsx',
  contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  async render(report: Report): Promise<Uint8Array> {
    const buffer = await (await reportWorkbook(report)).xlsx.writeBuffer();
    return new Uint8Array(buffer as ArrayBuffer);
  },
};
