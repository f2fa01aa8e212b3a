import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Point } from '../lib/aggregate/points.ts';
import { openRecords, type Records } from '../lib/records/database.ts';
import { reportGenerator } from '../lib/reports/generator.ts';
import type { FormatSpec, ReportFormat, StationMeta } from '../lib/reports/model.ts';
import { csvFormat } from '../lib/reports/render/csv.ts';
import { closePrinters, pdfFormat } from '../lib/reports/render/pdf.ts';
import { xlsxFormat } from '../lib/reports/render/xlsx.ts';
import type { StationSource } from '../lib/reports/source.ts';
import { launchChromium, logInToConsole } from '../testkit/chromium.ts';
import { seedConsoleUsers, testConsoleDeps } from '../testkit/console.ts';
import { buildApp } from './app.ts';

// Issue 16: the reports page in Chromium: log in, generate a small daily ISPU report of one station
// (lib/reports for real: request check, types, CSV and PDF printed by Chromium), see it listed with its
// checksums, download it, and check the bytes against the record. The readings come from an in-memory
// source (the InfluxDB reader has its own tests). Screenshots in both languages go to /tmp.
const STATIONS: StationMeta[] = [
  { id: 'aq-beji-01', name: 'SPKU Beji', kind: 'air_quality', operator: 'DLHK Depok', district: 'Beji' },
  { id: 'aq-cimanggis-01', name: 'SPKU Cimanggis', kind: 'air_quality', operator: 'DLHK Depok' },
  { id: 'ww-tapos-01', name: 'IPAL Tapos', kind: 'wastewater', operator: 'UPTD PAL Depok' },
];
const PASSWORD = 'a long enough password';
const DAY = '2026-11-30';
const FROM = Date.parse(`${DAY}T00:00:00+07:00`);

/** PM2.5 every 10 minutes over the day and the one before it (the 24 h means need it). */
const source: StationSource = {
  async read(station, spec, period) {
    const pm25: Point[] = [];
    for (let t = period.from - 86_400_000; t < period.to; t += 600_000)
      pm25.push([t, 30 + ((t / 600_000) % 9), 0]);
    return {
      station,
      intervalS: 600,
      series: new Map(spec.fields.map((f) => [f, f === 'pm25' ? pm25 : []])),
      windows: [],
      decisions: [],
    };
  },
};
const formats = new Map<ReportFormat, FormatSpec>([
  ['pdf', pdfFormat],
  ['csv', csvFormat],
  ['xlsx', xlsxFormat],
]);

describe('reports page in a browser', () => {
  let dir: string;
  let records: Records;
  let app: FastifyInstance;
  let base: string;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'reports-page-'));
    records = openRecords(join(dir, 'records.db'));
    await seedConsoleUsers(records, [{ username: 'tari', password: PASSWORD, roles: ['operator'] }]);
    const now = () => FROM + 2 * 86_400_000;
    app = await buildApp(
      testConsoleDeps(records, STATIONS, {
        sessionTtlMs: 600_000,
        reportsDir: join(dir, 'reports'),
        reports: reportGenerator({
          stations: async () => STATIONS,
          agency: { name: 'DLHK Kota Depok' },
          formats,
          source,
          now,
        }),
      }),
    );
    await app.listen({ host: '127.0.0.1', port: 0 });
    const address = app.server.address();
    base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
    await logInToConsole(page, base, 'tari', PASSWORD);
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await closePrinters();
    records?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('generates a small report from the form, lists it with its checksums and downloads it intact', async () => {
    await page.click('#reports-link');
    await page.waitForURL(`${base}/reports`);
    await expect.poll(() => page.locator('#generate').isVisible()).toBe(true);
    // The stations offered are the user's air stations (the type's kind), not the outfall.
    const offered = await page
      .locator('#stations input')
      .evaluateAll((els) => els.map((e) => e.getAttribute('value')));
    expect(offered).toEqual(['aq-beji-01', 'aq-cimanggis-01']);
    await page.fill('#period', DAY);
    await page.check('#stations input[value="aq-beji-01"]');
    await page.uncheck('#formats input[value="xlsx"]');
    await page.click('#generate-button');
    await expect.poll(() => page.locator('#generate-status').textContent()).toMatch(/Laporan #1/);
    const row = page.locator('tr[data-run="1"]');
    await expect.poll(() => row.locator('td.run-done').count(), { timeout: 60_000 }).toBe(1);
    await expect.poll(() => row.locator('.report-file a').allTextContents()).toEqual(['PDF', 'CSV']);
    const run = records.reportRuns.get(1);
    expect(run).toMatchObject({
      status: 'done',
      stations: ['aq-beji-01'],
      requested_by: 'tari',
      via: 'console',
    });
    const csv = run?.files.find((f) => f.format === 'csv');
    expect(await row.locator('.report-file code').nth(1).getAttribute('title')).toBe(csv?.sha256);
    await page.screenshot({ path: '/tmp/console-reports-id.png', fullPage: true });

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      row.locator('.report-file a', { hasText: 'CSV' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe(csv?.path.split('/')[1]);
    const bytes = await readFile((await download.path()) ?? '');
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(csv?.sha256);
    expect(bytes.toString('utf8')).toContain('aq-beji-01');
    expect(records.audit.page({ action: 'report_downloaded' }, 1).entries[0]?.actor).toBe('tari');
  });

  it('shows the page in English with the same run', async () => {
    await page.selectOption('#language', 'en');
    await page.waitForLoadState('load');
    await expect.poll(() => page.locator('h2').first().textContent()).toBe('Generate a report now');
    await expect.poll(() => page.locator('tr[data-run="1"] td.run-done').textContent()).toBe('done');
    await page.screenshot({ path: '/tmp/console-reports-en.png', fullPage: true });
  });

  it('shows the e-mail of scheduled runs and pruned runs, in both languages', async () => {
    const at = (text: string) => Date.parse(`${text}+07:00`);
    const scheduled = (period: string) => {
      const id = records.reportRuns.start({
        type: 'ispu-daily',
        period,
        stations: [],
        lang: 'id',
        formats: ['pdf'],
        requested_by: 'schedule',
        via: 'schedule',
        started_at: at(`${period}T16:00:00`),
      });
      const sha256 = String(id).repeat(64).slice(0, 64);
      const file = { format: 'pdf', path: `2026/${id}-ispu-daily_${period}_id.pdf`, bytes: 52_000, sha256 };
      records.reportRuns.done(id, at(`${period}T16:01:00`), ['aq-beji-01'], [file]);
      records.reportMail.queue(id, ['kepala@dlhk.local'], at(`${period}T16:01:00`));
      return id;
    };
    const pruned = scheduled('2026-10-01');
    records.reportMail.sent(pruned, at('2026-10-01T16:01:00'), 1);
    records.reportRuns.markPruned(pruned, at('2026-11-01T16:05:00'));
    const failed = scheduled('2026-11-29');
    records.reportMail.failed(
      failed,
      at('2026-11-29T17:22:00'),
      5,
      'mail server refused or failed (EMESSAGE 451)',
    );
    const sent = scheduled('2026-11-30');
    records.reportMail.retry(
      sent,
      at('2026-11-30T16:01:00'),
      1,
      'mail server refused or failed (ESOCKET)',
      0,
    );
    records.reportMail.sent(sent, at('2026-11-30T16:02:00'), 2);
    const retrying = scheduled('2026-12-01');
    records.reportMail.retry(
      retrying,
      at('2026-12-01T16:06:00'),
      2,
      'refused (EMESSAGE 451)',
      at('2026-12-01T16:11:00'),
    );

    const note = (id: number) => page.locator(`tr[data-run="${id}"] td.run-done div`).textContent();
    await page.selectOption('#language', 'id');
    await page.waitForLoadState('load');
    await expect.poll(() => note(retrying)).toBe('surel dicoba lagi pukul 1 Des 2026 16.11 WIB');
    expect(await note(sent)).toBe('terkirim lewat surel (percobaan ke-2)');
    expect(await note(failed)).toBe('surel gagal setelah 5 percobaan');
    const prunedRow = page.locator(`tr[data-run="${pruned}"]`);
    expect(await prunedRow.locator('.report-pruned').textContent()).toBe('dihapus');
    expect(await prunedRow.locator('a').count()).toBe(0);
    await page.screenshot({ path: '/tmp/console-reports-mail-id.png', fullPage: true });

    await page.selectOption('#language', 'en');
    await page.waitForLoadState('load');
    await expect.poll(() => note(retrying)).toBe('e-mail retrying at 1 Dec 2026 16:11 WIB');
    expect(await note(failed)).toBe('e-mail failed after 5 attempts');
    expect(await prunedRow.locator('.report-pruned').textContent()).toBe('pruned');
    await page.screenshot({ path: '/tmp/console-reports-mail-en.png', fullPage: true });
  });
});
