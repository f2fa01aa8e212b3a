import { describe, expect, it } from 'vitest';
import type { Report } from '../model.ts';
import { footerHtml, isLandscape, reportHtml, usableLogo } from './html.ts';
import { airMonthly, ispuDaily, waterMonthly } from './testdata/fixtures.ts';
import { periodText, printedColumns, wordsOf } from './words.ts';

const english = (report: Report): Report => ({ ...report, lang: 'en' });
const PNG =
  'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';

describe('a report as HTML for print', () => {
  it('prints every text as text: a station, an agency or a note with markup shows its letters', () => {
    const report = airMonthly();
    const first = report.sections[0];
    if (!first) throw new Error('fixture without sections');
    first.station = { ...first.station, name: '<script>alert(1)</script>', operator: 'A & B "quoted"' };
    first.notes = [
      { label: 'maintenance.type.maintenance', from: report.period.from, to: null, text: '<img src=x>' },
    ];
    report.agency = { name: 'Dinas <b>LH</b>' };
    const html = reportHtml(report);
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<img src=x>');
    expect(html).not.toContain('<b>LH</b>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('A &amp; B &quot;quoted&quot;');
    expect(footerHtml(report)).toContain('Dinas &lt;b&gt;LH&lt;/b&gt;');
  });

  it('formats numbers by the language: Indonesian decimal comma and thousands dot, English the other way', () => {
    const id = reportHtml(airMonthly());
    expect(id).toContain('36,3 µg/m³');
    expect(id).toContain('9.960,0 µg/m³');
    expect(id).toContain('96,7 %');
    const en = reportHtml(english(airMonthly()));
    expect(en).toContain('36.3 µg/m³');
    expect(en).toContain('9,960.0 µg/m³');
  });

  it('shows the period, the standard by its citation, the data state and the generation time in WIB', () => {
    const html = reportHtml(airMonthly());
    expect(html).toContain('November 2026 (1–30 November 2026)');
    expect(html).toContain('PP 22/2021 Lampiran VII');
    expect(html).toContain('Data sementara (belum divalidasi): 82 %');
    expect(html).toContain('Data tervalidasi: 10 %');
    // generated 09:05 UTC is 16.05 WIB
    expect(html).toContain('1 Des 2026 16.05 WIB');
    expect(periodText(wordsOf(ispuDaily()), ispuDaily())).toBe('3 November 2026');
    // Intl puts thin spaces around the English range's dash
    const en = periodText(wordsOf(english(airMonthly())), english(airMonthly()));
    expect(en.replace(/\s/g, ' ')).toBe('November 2026 (1 – 30 November 2026)');
  });

  it('gives each station its identity, coordinates with hemispheres, capture and notes', () => {
    const html = reportHtml(airMonthly());
    expect(html).toContain('<h2>Jl. Margonda Raya (Detos)</h2>');
    expect(html).toContain(
      'ID aq-margonda-01 · Kecamatan Beji · Pengelola: DLHK Depok · Koordinat 6,3685° LS, 106,8321° BT',
    );
    expect(html).toContain('Kelengkapan data: 96,4 %');
    expect(html).toContain('Kelengkapan data: tidak ada data');
    expect(html).toContain('Pemeliharaan: 12 Nov 2026 08.00 WIB – 12 Nov 2026 11.00 WIB');
    expect(html).toContain('Kerusakan alat: sejak 21 Nov 2026 00.00 WIB, masih berlangsung');
    expect(html).toContain('Tidak ada data untuk stasiun ini pada periode ini.');
    expect(reportHtml(english(airMonthly()))).toContain('Coordinates 6.3685° S, 106.8321° E');
  });

  it('colours ISPU categories as the console does, with readable ink on yellow', () => {
    const html = reportHtml(ispuDaily());
    expect(html).toContain('<td class="ispu" style="background:#2e7d32;color:#ffffff">Baik</td>');
    expect(html).toContain('<td class="ispu" style="background:#fdd835;color:#222222">Tidak Sehat</td>');
    expect(html).toContain('style="background:#000000;color:#ffffff">Berbahaya</td>');
    expect(reportHtml(english(ispuDaily()))).toContain('>Tidak Sehat (unhealthy)</td>');
  });

  it("names each row's parameter, as the report types leave it to the base columns", () => {
    const listed = airMonthly();
    const bare: Report = { ...listed, columns: listed.columns.filter((c) => c.key !== 'parameter') };
    expect(printedColumns(bare).map((c) => c.key)[0]).toBe('parameter');
    const html = reportHtml(bare);
    expect(html).toContain('Konsentrasi massa PM2,5');
    expect(html).toContain('>Parameter<');
    // one period on every row: not a column of its own
    expect(printedColumns(bare).some((c) => c.key === 'period')).toBe(false);
  });

  it('names a Depok kecamatan as people write it, and any other district as the registry has it', () => {
    const report = airMonthly();
    const [first, ...rest] = report.sections as [Report['sections'][number], ...Report['sections']];
    const html = (district: string) =>
      reportHtml({ ...report, sections: [{ ...first, station: { ...first.station, district } }, ...rest] });
    expect(html('pancoran-mas')).toContain('Kecamatan Pancoran Mas');
    expect(html('Kota Bogor')).toContain('Kecamatan Kota Bogor');
  });

  it('prints wide tables landscape, decided by the column count', () => {
    expect(isLandscape(airMonthly())).toBe(true);
    expect(reportHtml(airMonthly())).toContain('size: A4 landscape');
    expect(isLandscape(ispuDaily())).toBe(false);
    expect(isLandscape(waterMonthly())).toBe(false);
    expect(reportHtml(waterMonthly())).toContain('size: A4 portrait');
  });

  it('takes a logo only as an inline image, and heads with the plain name without one', () => {
    expect(usableLogo(PNG)).toBe(PNG);
    expect(usableLogo('http://example.org/logo.png')).toBeUndefined();
    expect(usableLogo('data:text/html;base64,PHNjcmlwdD4=')).toBeUndefined();
    expect(reportHtml({ ...airMonthly(), agency: { name: 'DLHK', logoDataUri: PNG } })).toContain(
      `<img class="logo" src="${PNG}"`,
    );
    const plain = reportHtml({
      ...airMonthly(),
      agency: { name: 'DLHK', logoDataUri: 'file:///etc/passwd' },
    });
    expect(plain).not.toContain('<img');
    expect(plain).toContain('<div class="agency">DLHK</div>');
  });

  it('numbers the pages in the footer in the report language', () => {
    expect(footerHtml(airMonthly())).toContain(
      'Halaman <span class="pageNumber"></span> dari <span class="totalPages"></span>',
    );
    expect(footerHtml(english(airMonthly()))).toContain(
      'Page <span class="pageNumber"></span> of <span class="totalPages"></span>',
    );
  });

  it('has no Indonesian words left in English and says when there are no stations', () => {
    const en = reportHtml(english({ ...airMonthly(), sections: [] }));
    expect(en).toContain('No stations in this report.');
    for (const word of ['Periode', 'Kelengkapan', 'Halaman', 'Data sementara', 'Dibuat'])
      expect(en).not.toContain(word);
  });
});
