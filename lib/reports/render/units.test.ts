import { readFileSync } from 'node:fs';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import type { Report } from '../model.ts';
import { csvFormat, csvText } from './csv.ts';
import { reportHtml } from './html.ts';
import { airMonthly } from './testdata/fixtures.ts';
import { xlsxFormat } from './xlsx.ts';

/** The air fixture with one station's rows in another unit code, to see each format print it. */
function withUnit(code: string, lang: Report['lang'] = 'id'): Report {
  const report = { ...airMonthly(), lang };
  const first = report.sections[0];
  if (!first) throw new Error('fixture without sections');
  first.rows = first.rows.map((r) => ({ ...r, unit: code }));
  return report;
}

async function xlsxTexts(report: Report): Promise<string[]> {
  const book = new ExcelJS.Workbook();
  await book.xlsx.load(Buffer.from(await xlsxFormat.render(report)) as unknown as ArrayBuffer);
  const texts: string[] = [];
  book.eachSheet((ws) => ws.eachRow((row) => row.eachCell((c) => texts.push(String(c.value)))));
  return texts;
}

describe('units in a printed report', () => {
  it('prints the stored codes as people write them in the PDF (HTML) and the XLSX', async () => {
    const html = reportHtml(airMonthly());
    expect(html).toContain('36,3 µg/m³');
    expect(html).not.toContain('ug/m3');
    expect(await xlsxTexts(airMonthly())).toContain('µg/m³');
    expect(await xlsxTexts(airMonthly())).not.toContain('ug/m3');
  });

  it('words a unit per language where the words differ, and leaves unknown codes as they are', async () => {
    expect(reportHtml(withUnit('count/100mL'))).toContain('jumlah/100 mL');
    expect(await xlsxTexts(withUnit('count/100mL', 'en'))).toContain('count/100 mL');
    expect(reportHtml(withUnit('furlong'))).toContain('36,3 furlong');
    // "-" is a dimensionless value's unit: nothing follows the number.
    expect(reportHtml(withUnit('-'))).toContain('>36,3<');
  });

  it('keeps the codes in the CSV, the data file (as the open-data API does), with its byte-order mark', async () => {
    // The golden air-monthly CSV of the real report type (lib/reports/testdata, checked by its golden test).
    const golden = readFileSync(new URL('../testdata/expected/air-monthly.csv', import.meta.url), 'utf8');
    expect(golden).toContain(',ug/m3,');
    expect(golden).not.toContain('µg');
    expect(csvText(airMonthly())).not.toContain('µg');
    const bytes = await csvFormat.render(airMonthly());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  });
});
