import type { FastifyInstance } from 'fastify';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../testkit/chromium.ts';
import type { PublicData } from './core/source.ts';
import { fakeData } from './fake-data.ts';
import { TEST_DEVICES, testApp } from './test-app.ts';

// The citizen page refreshes itself (public/page/refresh.js) in Chromium, with the interval shortened by
// `?refresh_ms=`: unchanged answers come back 304 and redraw nothing; a changed ISPU recolours the
// marker in place (the same element: the map does not flicker); a hidden page asks nothing and asks at
// once when shown again; "Diperbarui HH.MM WIB" says when. Screenshot /tmp/public-refresh-id.png.

/** The fake source, with Beji's ISPU switchable to Tidak Sehat. */
function switchable(now: () => number) {
  const { data } = fakeData(TEST_DEVICES, now);
  const state = { unhealthy: false };
  const wrapped: PublicData = {
    ...data,
    async ispuLatest(stations) {
      const points = await data.ispuLatest(stations);
      const beji = points.get('aq-beji-01');
      if (state.unhealthy && beji) points.set('aq-beji-01', { ...beji, ispu: 130, category: 'Tidak Sehat' });
      return points;
    },
  };
  return { data: wrapped, state };
}

describe('the citizen page refreshes itself', () => {
  let app: FastifyInstance;
  let base: string;
  let browser: Browser;
  let source: ReturnType<typeof switchable>;
  let clock: { now: () => number; set: (ms: number) => void };

  beforeAll(async () => {
    let t = Date.parse('2026-12-01T05:30:00Z');
    clock = {
      now: () => t,
      set: (ms) => {
        t = ms;
      },
    };
    source = switchable(clock.now);
    ({ app } = await testApp({ data: source.data, now: clock.now }));
    base = await app.listen({ host: '127.0.0.1', port: 0 });
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  /** The page, and each answer of the three refreshed endpoints as `<path> <status>`. */
  async function open(refreshMs: number): Promise<{ page: Page; answers: string[]; errors: string[] }> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'fr-FR' });
    const page = await context.newPage();
    const answers: string[] = [];
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(err.message));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('response', (res) => {
      const path = new URL(res.url()).pathname;
      if (['/open/v1/stations', '/open/v1/latest', '/open/v1/ispu/latest'].includes(path))
        answers.push(`${path} ${res.status()}`);
    });
    await page.goto(`${base}/?refresh_ms=${refreshMs}`);
    await page.locator('body[data-ready="true"]').waitFor({ timeout: 15_000 });
    return { page, answers, errors };
  }

  const marker = '.station-marker[data-station="aq-beji-01"]';
  const colourOf = (page: Page) => page.locator(`${marker} .marker-shape`).getAttribute('style');
  // Run in the page as text: this project's TypeScript has no DOM types.
  /** Sets `document.hidden` as a browser does for a background tab, and says so. */
  const visibility = (page: Page, hidden: boolean) =>
    page.evaluate(`(() => {
      Object.defineProperty(document, 'hidden', { configurable: true, get: () => ${hidden} });
      Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => '${hidden ? 'hidden' : 'visible'}' });
      document.dispatchEvent(new Event('visibilitychange'));
    })()`);
  /** Marks what must survive a refresh: the marker's element and a kecamatan's path. */
  const MARK = `(() => {
    document.querySelector('${marker}').mark = 1;
    document.querySelector('.leaflet-overlay-pane path').mark = 2;
  })()`;
  const MARKS = `[
    document.querySelector('${marker}').mark,
    document.querySelector('.leaflet-overlay-pane path').mark,
    document.querySelectorAll('.station-marker').length,
  ]`;

  it('asks with If-None-Match, redraws nothing on 304, recolours the same marker when the ISPU changes', async () => {
    const { page, answers, errors } = await open(700);
    expect(await page.locator('#updated').textContent()).toMatch(/^Diperbarui \d\d\.\d\d WIB$/);
    expect(await colourOf(page)).not.toContain('rgb(242, 197, 0)');
    await page.evaluate(MARK);
    await expect
      .poll(() => answers.filter((a) => a === '/open/v1/latest 304').length, { timeout: 10_000 })
      .toBeGreaterThanOrEqual(2);
    expect(answers).toContain('/open/v1/ispu/latest 304');
    expect(await page.locator('body').getAttribute('data-refreshes')).toBeNull(); // nothing redrawn

    source.state.unhealthy = true;
    clock.set(clock.now() + 10_000); // past the service's 5 s cache
    await expect.poll(() => colourOf(page), { timeout: 10_000 }).toContain('rgb(242, 197, 0)');
    const kept = await page.evaluate(MARKS);
    expect(kept).toEqual([1, 2, 2]); // Beji and Tapos have coordinates: still two markers, the same ones
    expect(await page.locator(marker).getAttribute('title')).toContain('Tidak Sehat');
    expect(
      await page.locator('#station-list button[data-station="aq-beji-01"] .what').textContent(),
    ).toContain('Tidak Sehat');
    expect(Number(await page.locator('body').getAttribute('data-refreshes'))).toBeGreaterThanOrEqual(1);
    expect(await page.locator('#updated').textContent()).toMatch(/^Diperbarui \d\d\.\d\d WIB$/);
    await page.screenshot({ path: '/tmp/public-refresh-id.png' });
    expect(errors).toEqual([]);
    await page.context().close();
    source.state.unhealthy = false;
  });

  it('asks nothing while hidden and at once when shown again after the interval', async () => {
    const { page, answers, errors } = await open(1500);
    await visibility(page, true);
    const before = answers.length;
    await page.waitForTimeout(2200); // longer than the interval: a visible page would have asked
    expect(answers.length).toBe(before);
    const shownAt = Date.now();
    await visibility(page, false);
    await expect.poll(() => answers.length, { timeout: 5000 }).toBeGreaterThan(before);
    expect(Date.now() - shownAt).toBeLessThan(1000); // at once, not a turn later
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('says "Updated HH:MM WIB" in English', async () => {
    const { page, errors } = await open(60_000);
    await page.selectOption('#language', 'en');
    await page.locator('#updated', { hasText: /^Updated \d\d:\d\d WIB$/ }).waitFor();
    expect(errors).toEqual([]);
    await page.context().close();
  });
});
