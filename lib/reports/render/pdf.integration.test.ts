import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPORT_TYPES, type Report } from '../model.ts';
import { closePrinters, pdfFormat, printerLaunches, printHtml } from './pdf.ts';
import { FIXTURES } from './testdata/fixtures.ts';

/**
 * PDFs printed by the real Chromium (/usr/bin/chromium), read back with poppler-utils: `pdftotext` for
 * the words, `pdfinfo` for pages and size; `pdftoppm` leaves the first page of each type as
 * /tmp/report-<type>.png for a person to look at.
 */

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'report-pdf-'));
});
afterAll(async () => {
  await closePrinters();
  rmSync(dir, { recursive: true, force: true });
});

async function print(report: Report, name: string): Promise<{ path: string; text: string; info: string }> {
  const bytes = await pdfFormat.render(report);
  const path = join(dir, `${name}.pdf`);
  writeFileSync(path, bytes);
  // -layout off: words in reading order, a heading wrapped over two lines still joins with a space
  const text = execFileSync('pdftotext', [path, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
  const info = execFileSync('pdfinfo', [path], { encoding: 'utf8' });
  return { path, text, info };
}

const pages = (info: string) => Number(/^Pages:\s+(\d+)/m.exec(info)?.[1]);

describe('reports printed to PDF by Chromium', () => {
  it.each(REPORT_TYPES)(
    '%s: station names, the citation and Indonesian headings, numbered A4 pages',
    async (type) => {
      const report = FIXTURES[type]();
      const { path, text, info } = await print(report, type);
      expect(Buffer.from(execFileSync('head', ['-c', '5', path])).toString()).toBe('%PDF-');
      expect(pages(info)).toBeGreaterThanOrEqual(1);
      expect(info).toMatch(/Page size:\s+(595\.\d+ x 842\.\d+|842\.\d+ x 595\.\d+) pts \(A4\)/);
      expect(info).toMatch(report.columns.length >= 8 ? /842\.\d+ x 595/ : /595\.\d+ x 842/);
      for (const s of report.sections) {
        expect(text).toContain(s.station.name);
        expect(text).toContain(s.station.id);
      }
      const citations: Record<string, string> = {
        'id-ID-ispu-2020': 'Permen LHK P.14/MENLHK/SETJEN/KUM.1/7/2020',
        'id-ID-pp22-2021-ambient-air': 'PP 22/2021 Lampiran VII',
        'id-ID-permenlhk-p68-2016-domestic-wastewater': 'Permen LHK P.68/2016',
        'id-ID-permenkes-2-2023-drinking-water': 'Permenkes 2/2023',
        'id-ID-water-distribution-operational': 'ambang operasional jaringan air minum',
      };
      for (const id of report.standards) expect(text).toContain(citations[id]);
      for (const heading of [
        'Periode',
        'Baku mutu acuan',
        'Status data',
        'Dibuat pada',
        'Kelengkapan data',
      ]) {
        expect(text).toContain(heading);
      }
      expect(text).toContain('Data sementara (belum divalidasi): 82 %');
      expect(text).toContain(`Halaman 1 dari ${pages(info)}`);
      execFileSync('pdftoppm', [
        '-png',
        '-r',
        '60',
        '-f',
        '1',
        '-l',
        '1',
        '-singlefile',
        path,
        `/tmp/report-${type}`,
      ]);
    },
  );

  it('prints the ISPU bulletin in English with lang en, and a station named <script> as text', async () => {
    const report: Report = { ...FIXTURES['ispu-daily'](), lang: 'en' };
    const first = report.sections[0];
    if (first) first.station = { ...first.station, name: '<script>document.title="x"</script>' };
    const { text, info } = await print(report, 'english');
    expect(text).toContain('<script>document.title="x"</script>');
    for (const heading of ['Period', 'Standards', 'Data state', 'Generated at', 'Data capture'])
      expect(text).toContain(heading);
    expect(text).toContain('Provisional data (not yet validated): 82 %');
    expect(text).toContain('Tidak Sehat (unhealthy)');
    expect(text).toContain(`Page 1 of ${pages(info)}`);
    expect(text).not.toContain('Halaman');
  });

  describe('offline', () => {
    let server: Server;
    let hits = 0;
    beforeAll(async () => {
      server = createServer((_req, res) => {
        hits++;
        res.end('body { background: red }');
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    it('fetches nothing a document names: stylesheet, image, frame, font', async () => {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const html = `<!doctype html><html><head><link rel="stylesheet" href="${url}/a.css">
        <style>@font-face { font-family: x; src: url(${url}/f.woff2) } body { font-family: x }</style></head>
        <body><p>offline</p><img src="${url}/logo.png"><iframe src="${url}/frame"></iframe></body></html>`;
      const bytes = await printHtml(html, { landscape: false, footerTemplate: '<span></span>' });
      expect(Buffer.from(bytes.subarray(0, 5)).toString()).toBe('%PDF-');
      expect(hits).toBe(0);
    });
  });

  it('reuses one browser across reports, and starts another after closePrinters', async () => {
    const report = FIXTURES['water-monthly']();
    const before = printerLaunches();
    const [a, b] = await Promise.all([pdfFormat.render(report), pdfFormat.render(report)]);
    await pdfFormat.render(report);
    expect(a.byteLength).toBeGreaterThan(1000);
    expect(b.byteLength).toBeGreaterThan(1000);
    expect(printerLaunches() - before).toBeLessThanOrEqual(1);
    await closePrinters();
    const after = printerLaunches();
    await pdfFormat.render(report);
    expect(printerLaunches()).toBe(after + 1);
  });
});
