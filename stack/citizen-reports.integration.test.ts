import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../dashboards/app.ts';
import { openRecords, type Records } from '../lib/records/database.ts';
import { testApp } from '../public/test-app.ts';
import { launchChromium, logInToConsole } from '../testkit/chromium.ts';
import { seedConsoleUsers, testConsoleDeps } from '../testkit/console.ts';

// Issue 17, across the two services and one records database: a report sent from the public page in
// Chromium (phone size) is in the console's queue and not public; approved in the console, it is a
// marker of the citizen layer on the map; a `<script>` in its description is text on the page, in the
// popup and in the console, and no dialog ever opens. Screenshots: /tmp/citizen-*.png.
const PASSWORD = 'a long enough password';
const EVIL = 'Bau busuk dari TPS liar <script>alert(1)</script><img src=x onerror=alert(2)>';
const PHONE = { width: 390, height: 844 };

describe('citizen reports from the public page to the console and back', () => {
  let dir: string;
  let records: Records;
  let publicApp: FastifyInstance;
  let consoleApp: FastifyInstance;
  let publicBase: string;
  let consoleBase: string;
  let browser: Browser;
  const dialogs: string[] = [];
  const errors: string[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'citizen-e2e-'));
    records = openRecords(join(dir, 'records.db'));
    await seedConsoleUsers(records, [
      { username: 'ops', password: PASSWORD, roles: ['operator'] },
      { username: 'vera', password: PASSWORD, roles: ['viewer'], language: 'en' },
    ]);
    publicApp = (await testApp({ records, now: Date.now })).app;
    publicBase = await publicApp.listen({ host: '127.0.0.1', port: 0 });
    consoleApp = await buildApp(
      testConsoleDeps(records, [], {
        publicRead: true, // even with public reads on, the queue needs a login
        sessionTtlMs: 600_000,
      }),
    );
    consoleBase = await consoleApp.listen({ host: '127.0.0.1', port: 0 });
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await publicApp?.close();
    await consoleApp?.close();
    records?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  async function open(
    base: string,
    path: string,
    viewport = PHONE,
  ): Promise<{ page: Page; context: BrowserContext }> {
    const context = await browser.newContext({ viewport, locale: 'fr-FR', timezoneId: 'Europe/Paris' });
    const page = await context.newPage();
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    page.on('pageerror', (err) => errors.push(err.message));
    await page.goto(`${base}${path}`);
    return { page, context };
  }

  async function login(page: Page, username: string) {
    await logInToConsole(page, consoleBase, username, PASSWORD);
  }

  let code = '';
  let reportId = 0;

  it('sends a report with a photo from the phone form and shows its tracking code', async () => {
    const { page, context } = await open(publicBase, '/');
    await page.locator('body[data-ready="true"]').waitFor({ timeout: 15_000 });
    await page.locator('#citizen-form').waitFor();
    await page.selectOption('#citizen-category', 'illegal_dumping');
    await page.fill('#citizen-description', EVIL);
    await page.fill('#citizen-contact', '0812-1111-2222');
    const photo = await sharp({ create: { width: 800, height: 600, channels: 3, background: '#6a5' } })
      .jpeg()
      .toBuffer();
    await page.setInputFiles('#citizen-photo', { name: 'foto.jpg', mimeType: 'image/jpeg', buffer: photo });
    await page.locator('#map').scrollIntoViewIfNeeded();
    const box = await page.locator('#map').boundingBox();
    if (!box) throw new Error('no map');
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    await expect.poll(() => page.textContent('#citizen-where')).toMatch(/-6\.\d+, 106\.\d+/);
    await page.locator('#citizen-report').screenshot({ path: '/tmp/citizen-form-id.png' });
    await page.click('#citizen-submit');
    code = (await page.locator('#citizen-code').textContent({ timeout: 15_000 })) ?? '';
    expect(code).toMatch(/^[0-9A-HJKMNP-TV-Z]{10}$/);
    await page.locator('#citizen-report').screenshot({ path: '/tmp/citizen-sent-id.png' });
    const stored = records.citizenReports.byCode(code);
    expect(stored).toMatchObject({
      status: 'new',
      description: EVIL,
      contact: '0812-1111-2222',
      has_photo: true,
    });
    reportId = stored?.id as number;

    // Not public yet: not in the API, no marker; the reporter's box says "Baru".
    const list = (await (await fetch(`${publicBase}/open/v1/citizen-reports`)).json()) as {
      reports: unknown[];
    };
    expect(list.reports).toEqual([]);
    expect(await page.locator('.citizen-marker').count()).toBe(0);
    await page.click('#citizen-follow button[type=submit]');
    await expect.poll(() => page.textContent('#citizen-follow-result')).toContain('Baru');
    await context.close();
  }, 60_000);

  it('shows the form in English on ?lang=en (phone)', async () => {
    const { page, context } = await open(publicBase, '/?lang=en');
    await page.locator('#citizen-form').waitFor();
    await expect.poll(() => page.textContent('#citizen-report h2')).toBe('Report an environmental problem');
    await page.locator('#citizen-report').screenshot({ path: '/tmp/citizen-form-en.png' });
    await context.close();
  }, 30_000);

  it('puts it in the console queue as text; a viewer sees it without the contact; the operator approves it', async () => {
    const viewer = await open(consoleBase, '/login', { width: 1280, height: 900 });
    await login(viewer.page, 'vera');
    await viewer.page.goto(`${consoleBase}/citizen`);
    const card = viewer.page.locator(`article[data-id="${reportId}"]`);
    await card.waitFor();
    expect(await card.locator('.citizen-description').textContent()).toBe(EVIL);
    expect(await card.textContent()).not.toContain('0812-1111-2222');
    expect(await card.locator('form').count()).toBe(0);
    await viewer.page.screenshot({ path: '/tmp/citizen-console-en.png' });
    await viewer.context.close();

    const ops = await open(consoleBase, '/login', { width: 1280, height: 900 });
    await login(ops.page, 'ops');
    await ops.page.click('#citizen-link');
    await ops.page.waitForURL(`${consoleBase}/citizen`);
    const mine = ops.page.locator(`article[data-id="${reportId}"]`);
    await mine.waitFor();
    expect(await mine.locator('.contact').textContent()).toBe('0812-1111-2222');
    expect(await mine.locator('.citizen-description').textContent()).toBe(EVIL);
    await expect
      .poll(() =>
        mine
          .locator('img.citizen-photo')
          .evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth),
      )
      .toBe(800);
    await ops.page.screenshot({ path: '/tmp/citizen-console-id.png' });
    await mine.locator('form[data-action="approve"] button').click();
    await expect.poll(() => records.citizenReports.get(reportId)?.status).toBe('approved');
    const approved = ops.page.locator(`article[data-id="${reportId}"].status-approved`);
    await approved.waitFor();
    await approved.locator('summary').click();
    await expect
      .poll(() => approved.locator('.citizen-history li').first().textContent())
      .toMatch(/ops: diterima$/);
    await approved.screenshot({ path: '/tmp/citizen-console-approved-id.png' });
    await ops.context.close();
  }, 60_000);

  it('once approved, shows it on the map as a citizen marker whose popup shows the markup as text', async () => {
    const { page, context } = await open(publicBase, '/');
    await page.locator('#citizen-report[data-reports="loaded"]').waitFor({ timeout: 15_000 });
    const marker = page.locator(`.citizen-marker[data-report="${reportId}"]`);
    expect(await marker.count()).toBe(1);
    expect(await page.locator('.citizen-marker').count()).toBe(1);
    await marker.click();
    const text = page.locator('.citizen-popup-text');
    await text.waitFor();
    expect(await text.textContent()).toBe(EVIL);
    expect(await page.locator('.citizen-popup script, .citizen-popup img[src="x"]').count()).toBe(0);
    // Leaflet fades the popup in and pans it into view: shot once it is fully shown.
    type Styles = { getComputedStyle(e: unknown): { opacity: string } };
    const opacity = () =>
      page
        .locator('.leaflet-popup')
        .evaluate((p) => (globalThis as unknown as Styles).getComputedStyle(p).opacity);
    await expect.poll(opacity).toBe('1');
    await page.locator('#map').screenshot({ path: '/tmp/citizen-map-id.png' });
    await page.fill('#citizen-follow-code', code.toLowerCase());
    await page.click('#citizen-follow button[type=submit]');
    await expect.poll(() => page.textContent('#citizen-follow-result')).toContain('Diterima');
    await context.close();
    expect(dialogs).toEqual([]);
    expect(errors).toEqual([]);
  }, 60_000);
});
