import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import type { Report } from '../model.ts';
import { airMonthly, DAY, ispuDaily } from './testdata/fixtures.ts';
import { SHEET_PER_STATION_UP_TO, wibDate, xlsxFormat } from './xlsx.ts';

/** The file as a reader gets it: written by the format, read back by exceljs. */
async function readBack(report: Report): Promise<ExcelJS.Workbook> {
  const bytes = await xlsxFormat.render(report);
  const book = new ExcelJS.Workbook();
  await book.xlsx.load(Buffer.from(bytes) as unknown as ArrayBuffer);
  return book;
}

const sheet = (book: ExcelJS.Workbook, name: string) => {
  const found = book.getWorksheet(name);
  if (!found) throw new Error(`no sheet ${name}: ${book.worksheets.map((w) => w.name).join(', ')}`);
  return found;
};

/** Many stations: the air-monthly fixture's first station copied under other ids. */
function manyStations(n: number): Report {
  const report = airMonthly();
  const first = report.sections[0];
  if (!first) throw new Error('fixture without sections');
  report.sections = Array.from({ length: n }, (_, i) => ({
    ...first,
    station: { ...first.station, id: `aq-test-${String(i).padStart(2, '0')}`, name: `Stasiun ${i}` },
    rows: first.rows.map((r) => ({ ...r, station: `aq-test-${i}` })),
  }));
  return report;
}

describe('a report as XLSX', () => {
  it('opens with a cover: title, agency, period, standards, data state, generation time as a WIB date', async () => {
    const book = await readBack(airMonthly());
    expect(book.worksheets.map((w) => w.name)).toEqual([
      'Sampul',
      'aq-margonda-01',
      'aq-pancoran-mas-01',
      'aq-tapos-01',
    ]);
    const cover = sheet(book, 'Sampul');
    const values = cover.getColumn(2).values.filter((v) => v !== undefined && v !== null);
    expect(values).toContain('Dinas Lingkungan Hidup dan Kebersihan Kota Depok');
    expect(values).toContain('November 2026 (1–30 November 2026)');
    expect(values).toContain('PP 22/2021 Lampiran VII');
    expect(values).toContain('Data sementara (belum divalidasi): 82 %');
    const generated = values.find((v) => v instanceof Date) as Date;
    // 09:05 UTC shows as 16:05 on the sheet, WIB
    expect(generated.toISOString()).toBe('2026-12-01T16:05:00.000Z');
    expect(cover.getCell('A1').font?.bold).toBe(true);
  });

  it('gives each station a sheet: identity above, bold frozen headings, numbers as numbers with formats', async () => {
    const book = await readBack(airMonthly());
    const ws = sheet(book, 'aq-margonda-01');
    expect(ws.getCell('A1').value).toBe('Jl. Margonda Raya (Detos)');
    expect(ws.getCell('A3').value).toBe('Kelengkapan data: 96,4 %');
    const head = ws.getRow(5);
    expect(head.getCell(1).value).toBe('report.column.parameter');
    expect(head.getCell(9).value).toBe('Satuan');
    expect(head.getCell(1).font?.bold).toBe(true);
    expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 5 });
    const pm25 = ws.getRow(6);
    expect(pm25.getCell(1).value).toBe('Konsentrasi massa PM2,5');
    expect(pm25.getCell(3).value).toBe(36.3);
    expect(pm25.getCell(3).numFmt).toBe('#,##0.0');
    expect(pm25.getCell(4).numFmt).toBe('#,##0');
    expect(pm25.getCell(5).value).toBe(4);
    expect(pm25.getCell(8).value).toBeCloseTo(0.967, 6);
    expect(pm25.getCell(8).numFmt).toBe('0.0%');
    expect(pm25.getCell(9).value).toBe('µg/m³');
    expect(ws.getColumn(1).width).toBeGreaterThanOrEqual('Konsentrasi massa PM2,5'.length);
    const notes = ws.getColumn(1).values.map(String);
    expect(notes).toContain('Pemeliharaan: 12 Nov 2026 08.00 WIB – 12 Nov 2026 11.00 WIB');
  });

  it('writes times as Excel dates reading WIB and fills ISPU categories with their colour', async () => {
    const book = await readBack(ispuDaily());
    const ws = sheet(book, 'aq-tapos-01');
    const ten = ws.getRow(6 + 10);
    expect(ten.getCell(1).value).toEqual(wibDate(DAY + 10 * 3_600_000));
    expect((ten.getCell(1).value as Date).toISOString()).toBe('2026-11-03T10:00:00.000Z');
    expect(ten.getCell(1).numFmt).toBe('dd/mm/yyyy hh:mm');
    const categories = new Map<string, string | undefined>();
    ws.getColumn(4).eachCell((cell, row) => {
      if (row > 5)
        categories.set(String(cell.value), (cell.fill as ExcelJS.FillPattern | undefined)?.fgColor?.argb);
    });
    expect(categories.get('Sedang')).toBe('FF1565C0');
    expect(categories.get('Sangat Tidak Sehat')).toBe('FFC62828');
    expect(categories.get('Berbahaya')).toBe('FF000000');
  });

  it(`puts more than ${SHEET_PER_STATION_UP_TO} stations on one filterable sheet with a station column`, async () => {
    const book = await readBack(manyStations(SHEET_PER_STATION_UP_TO + 5));
    expect(book.worksheets.map((w) => w.name)).toEqual(['Sampul', 'Data', 'Stasiun']);
    const data = sheet(book, 'Data');
    expect(data.getCell('A1').value).toBe('ID stasiun');
    expect(data.getCell('A2').value).toBe('aq-test-00');
    expect(data.rowCount).toBe(1 + 15 * 6);
    expect(data.autoFilter).toBeDefined();
    expect(data.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    const stations = sheet(book, 'Stasiun');
    expect(stations.getRow(1).getCell(2).value).toBe('Nama stasiun');
    expect(stations.getRow(2).getCell(2).value).toBe('Stasiun 0');
    expect(stations.rowCount).toBe(16);
  });

  it('keeps a name with markup as it is and words everything in English on request', async () => {
    const report = { ...airMonthly(), lang: 'en' as const };
    const first = report.sections[0];
    if (first) first.station = { ...first.station, name: '<script>alert(1)</script>' };
    const book = await readBack(report);
    expect(book.worksheets[0]?.name).toBe('Cover');
    expect(sheet(book, 'aq-margonda-01').getCell('A1').value).toBe('<script>alert(1)</script>');
    expect(sheet(book, 'aq-margonda-01').getCell('A3').value).toBe('Data capture: 96.4 %');
    expect(sheet(book, 'aq-margonda-01').getRow(5).getCell(9).value).toBe('Unit');
  });
});
