import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openRecords, type Records } from '../lib/records/database.ts';
import { launchChromium, logInToConsole } from '../testkit/chromium.ts';
import { seedConsoleUsers, testConsoleDeps } from '../testkit/console.ts';
import { buildApp } from './app.ts';
import type { PointSource } from './qa/influx-points.ts';

// Issue 15: the QA page in Chromium: a station's values with their states, a decision from the form,
// a maintenance window added and ended, a calibration logged. The console listens on loopback; the
// stored values are an in-memory list (qa-influx.integration.test.ts covers the real InfluxDB).
const STATION = { id: 'aq-beji-01', kind: 'air_quality', operator: 'DLHK Depok' };
const H = 3_600_000;
const NOW = Date.now();
const START = Math.floor(NOW / H) * H - 6 * H;
const STORED: [number, number][] = [];
// Up to a minute before now: the page asks up to the current minute (datetime-local has no seconds).
for (let t = START; t < NOW - 60_000; t += 600_000) STORED.push([t, 30 + (t % 5)]);
const PASSWORD = 'a long enough password';

const points: PointSource = {
  async count(_k, _s, fields, from, to) {
    const n = STORED.filter(([t]) => t >= from && t < to).length;
    return new Map(fields.map((f) => [f, f === 'pm25' ? n : 0]));
  },
  async read(_k, _s, fields, from, to) {
    const rows = STORED.filter(([t]) => t >= from && t < to).map(
      ([t, v]) => [t, ...fields.map((f) => (f === 'pm25' ? v : null))] as [number, ...(number | null)[]],
    );
    return { rows, truncated: false };
  },
  // Every value valid but one an hour (a spike, code 14): capture per day under the values.
  async codes(_k, _s, fields, from, to) {
    const pm25 = STORED.filter(([t]) => t >= from && t < to).map(
      ([t, v]) => [t, v, t % H === 0 ? 14 : 0] as [number, number, number | null],
    );
    return { series: new Map(fields.map((f) => [f, f === 'pm25' ? pm25 : []])), truncated: false };
  },
};

describe('QA page in a browser', () => {
  let dir: string;
  let records: Records;
  let app: FastifyInstance;
  let base: string;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'qa-page-'));
    records = openRecords(join(dir, 'records.db'));
    await seedConsoleUsers(records, [
      { username: 'tari', password: PASSWORD, roles: ['operator', 'validator'] },
    ]);
    app = await buildApp(
      testConsoleDeps(records, [STATION], {
        points,
        sessionTtlMs: 600_000,
      }),
    );
    await app.listen({ host: '127.0.0.1', port: 0 });
    const address = app.server.address();
    base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('dialog', (d) => d.dismiss());
    await logInToConsole(page, base, 'tari', PASSWORD);
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
    records?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('shows values with their state, and records a decision from the form', async () => {
    await page.click('#qa-link');
    await page.waitForURL(`${base}/qa`);
    await page.goto(`${base}/qa#/station/aq-beji-01`);
    const cells = page.locator('table.qa-values td.state-provisional');
    await expect.poll(() => cells.count()).toBe(STORED.length);
    // Capture per WIB day above the values: pm25 every 10 min of a 1 min kind is far below 75 %.
    await expect
      .poll(() => page.locator('#qa-capture h3').textContent())
      .toBe('Kelengkapan data per hari (WIB)');
    // Fields by their catalogue name, the code kept as the tooltip.
    const pm25 = page.locator('table.qa-capture tr', { hasText: 'Konsentrasi massa PM2,5' });
    expect(await pm25.locator('th .field-name').getAttribute('title')).toBe('pm25');
    expect(await page.locator('table.qa-values thead').textContent()).toContain(
      'Konsentrasi massa PM2,5 (µg/m³)',
    );
    expect(
      await page.locator('#decide label', { has: page.locator('input[value=pm25]') }).textContent(),
    ).toBe('Konsentrasi massa PM2,5');
    await expect.poll(() => pm25.locator('td.capture-low').count()).toBeGreaterThan(0);
    // The first day is yesterday, whole (the values' range is the last 24 h): 1,440 readings expected.
    expect(await pm25.locator('td').first().getAttribute('title')).toMatch(
      /sahih dari 1\.440 diharapkan \(0 saat/,
    );
    await page.check('#decide input[value=pm25]');
    await page.click('#decide button[type=submit]');
    await expect.poll(() => page.locator('#decide + p').textContent()).toMatch(/Keputusan #1 tersimpan/);
    await expect.poll(() => page.locator('table.qa-values td.state-validated').count()).toBeGreaterThan(0);
    await expect.poll(() => page.locator('[data-decision-id="1"]').textContent()).toContain('oleh tari');
    expect(await page.locator('[data-decision-id="1"]').textContent()).toMatch(
      /^#1 Konsentrasi massa PM2,5: /,
    );
    await page.screenshot({ path: '/tmp/console-qa-id.png', fullPage: true });
    expect(records.audit.page({ action: 'data_validated' }, 1).entries[0]?.actor).toBe('tari');
  });

  it('adds a maintenance window, shows it in the agenda and ends it', async () => {
    await page.goto(`${base}/qa#/maintenance`);
    const form = page.locator('#add-window');
    await form.waitFor();
    await form.locator('select[name=type]').selectOption('instrument_failure');
    await form.locator('input[name=fields]').fill('pm25');
    const start = new Date(NOW - 2 * H + 7 * H).toISOString().slice(0, 16);
    await form.locator('input[name=start]').fill(start);
    await form.locator('input[name=notes]').fill('sensor fan stopped');
    await form.locator('button[type=submit]').click();
    const entry = page.locator('.window-entry[data-window-id="1"]');
    await expect.poll(() => entry.textContent()).toContain('sensor fan stopped');
    expect(await entry.textContent()).toContain('belum berakhir');
    expect(await entry.textContent()).toContain('kerusakan alat');
    expect(await entry.textContent()).toContain('aq-beji-01 (Konsentrasi massa PM2,5)');
    await entry.locator('button.end').click();
    await expect.poll(() => records.maintenance.get(1)?.end_at ?? null).not.toBeNull();
  });

  it('logs a calibration and lists it in the log', async () => {
    await page.goto(`${base}/qa#/calibrations`);
    const form = page.locator('#add-calibration');
    await form.waitFor();
    await form.locator('input[name=field]').fill('so2');
    await form.locator('input[name=start]').fill(new Date(NOW - H + 7 * H).toISOString().slice(0, 16));
    await form.locator('input[name=zero_reading]').fill('0.3');
    await form.locator('input[name=span_reading]').fill('97.5');
    await form.locator('input[name=reference]').fill('SO2 100 ppb cylinder');
    await form.locator('button[type=submit]').click();
    const row = page.locator('table.calibrations tbody tr');
    await expect.poll(() => row.first().textContent()).toContain('SO2 100 ppb cylinder');
    expect(await row.first().locator('td').nth(2).textContent()).toBe('Sulfur dioksida');
    expect(records.maintenance.list({ calibrations: true })[0]?.calibration).toMatchObject({
      zero_reading: 0.3,
    });
  });

  it('speaks English after the switch, with the same views', async () => {
    await page.goto(`${base}/qa#/station/aq-beji-01`);
    await page.locator('#language').selectOption('en');
    await page.waitForLoadState('load');
    await expect.poll(() => page.locator('#qa-nav').textContent()).toContain('Maintenance');
    await expect.poll(() => page.locator('[data-decision-id="1"]').textContent()).toContain('by tari');
    expect(await page.locator('#view-title').textContent()).toBe('data quality');
    await expect.poll(() => page.locator('#qa-capture h3').textContent()).toBe('Data capture per day (WIB)');
    expect(await page.locator('[data-decision-id="1"]').textContent()).toMatch(
      /^#1 PM2.5 mass concentration: /,
    );
    expect(await page.locator('table.qa-capture tbody th').first().textContent()).toBe(
      'PM2.5 mass concentration',
    );
    expect(
      await page.locator('#decide label', { has: page.locator('input[value=pm25]') }).textContent(),
    ).toBe('PM2.5 mass concentration');
    // The maintenance window of the first test, over the values.
    expect(await page.locator('#qa-results ul').textContent()).toContain('PM2.5 mass concentration');
    await page.screenshot({ path: '/tmp/console-qa-en.png', fullPage: true });
  });
});
