import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../lib/log.ts';
import type { Decision } from '../lib/qa/states.ts';
import { DeviceSchema } from '../lib/registry/schema.ts';
import { launchChromium } from '../testkit/chromium.ts';
import { influxQuery, type LocalInfluxd, startLocalInfluxd } from '../testkit/influxd.ts';
import { createInfluxData } from './adapters/influx-data.ts';
import { buildPublicApp } from './app.ts';
import { publicStations } from './core/stations.ts';
import { PAGE_DIR } from './http/page-routes.ts';

// Issue 17 in a browser: the citizen page over the real public app and a real influxd holding a day of
// a few stations' readings. No login; one marker per public station and none for the others; a marker
// opens the station's values; the first load stays under 500 kB; no console error; id and en, desktop
// and phone screenshots in /tmp/public-*.png.
const DB = 'pipeline';
const HOUR = 3_600_000;
const now = Date.now();

const DEVICES = [
  {
    id: 'aq-margonda-01',
    kind: 'air_quality',
    name: 'Jl. Margonda Raya',
    district: 'beji',
    operator: 'DLHK Depok',
    lat: -6.3685,
    lon: 106.8321,
  },
  {
    id: 'aq-sawangan-01',
    kind: 'air_quality',
    name: 'Jl. Raya Sawangan',
    district: 'sawangan',
    operator: 'DLHK Depok',
    lat: -6.4031,
    lon: 106.7633,
  },
  {
    id: 'ww-ipal-tapos-01',
    kind: 'wastewater',
    name: 'IPAL Tapos',
    district: 'tapos',
    operator: 'UPTD PAL Depok',
    lat: -6.4262,
    lon: 106.8853,
  },
  {
    id: 'wn-cilodong-01',
    kind: 'water_network',
    name: 'Reservoir Cilodong',
    district: 'cilodong',
    operator: 'PDAM Tirta Asasta',
    lat: -6.4278,
    lon: 106.8417,
  },
  {
    id: 'aq-hidden-01',
    kind: 'air_quality',
    name: 'Stasiun uji internal',
    district: 'limo',
    public: false,
    lat: -6.3661,
    lon: 106.7795,
  },
  {
    id: 'ww-pt-rahasia-01',
    kind: 'wastewater',
    name: 'Outfall PT Rahasia',
    district: 'cimanggis',
    self_monitoring: true,
    lat: -6.3773,
    lon: 106.8655,
  },
].map((d) => DeviceSchema.parse({ secret_hash: 'scrypt$test', ...d }));
const PUBLIC = ['aq-margonda-01', 'aq-sawangan-01', 'ww-ipal-tapos-01', 'wn-cilodong-01'];
const HIDDEN = ['aq-hidden-01', 'ww-pt-rahasia-01'];

const tagsOf = (d: (typeof DEVICES)[number]) =>
  `station=${d.id},district=${d.district}${d.operator ? `,operator=${d.operator.replace(/ /g, '\\ ')}` : ''}`;
const VALUES: Record<string, (h: number) => Record<string, number>> = {
  air_quality: (h) => ({ pm25: 30 + h * 2, pm10: 50 + h, no2: 20, o3: 35 }),
  wastewater: (h) => ({ ph: 7.1, bod: 22 + h * 0.1, cod: 60 + h, tss: 30 }),
  water_network: (h) => ({ pressure: 2.1 + (h % 4) * 0.1, free_chlorine: 0.4, turbidity: 1.2 }),
};

/** A day of readings per station (every minute, so hourly means meet the 75 % rule), and an hourly ISPU for the air stations. */
function lines(): string {
  const out: string[] = [];
  for (const d of DEVICES) {
    for (let m = 24 * 60; m >= 1; m -= 1) {
      const ts = now - m * 60_000;
      const values = VALUES[d.kind]?.(Math.floor((24 * 60 - m) / 60)) ?? {};
      const fields = Object.entries(values).flatMap(([f, v]) => [`${f}=${v}`, `${f}_validity=0`]);
      out.push(`${d.kind},${tagsOf(d)} ${fields.join(',')} ${ts}`);
    }
  }
  const ispu = (id: string, value: number, category: string) =>
    `ispu,station=${id} ispu=${value},category="${category}",dominant="pm25",pm25=${value} ${now - 30 * 60_000}`;
  out.push(
    ispu('aq-margonda-01', 112, 'Tidak Sehat'),
    ispu('aq-sawangan-01', 42, 'Baik'),
    ispu('aq-hidden-01', 250, 'Sangat Tidak Sehat'),
  );
  return out.join('\n');
}

describe('citizen page in Chromium', () => {
  let influx: LocalInfluxd;
  let app: FastifyInstance;
  let base: string;
  let browser: Browser;

  beforeAll(async () => {
    influx = await startLocalInfluxd();
    await influxQuery(influx.url, `CREATE DATABASE "${DB}"`);
    const res = await fetch(`${influx.url}/write?db=${DB}&precision=ms`, { method: 'POST', body: lines() });
    expect(res.status).toBe(204);
    const stations = publicStations(DEVICES);
    // One validator's decision: Margonda's PM2.5 of the last two hours is validated; the rest provisional.
    const decisions: Decision[] = [
      {
        id: 1,
        station: 'aq-margonda-01',
        fields: ['pm25'],
        from: now - 2 * HOUR,
        to: now + HOUR,
        decision: 'valid',
        by: 'validator',
        at: now,
      },
    ];
    app = await buildPublicApp({
      stations: () => stations,
      data: createInfluxData({ url: influx.url, database: DB, timeoutMs: 5000 }),
      decisions: () => decisions,
      cacheTtlS: 5,
      rateLimit: { perMinute: 10_000, burst: 10_000 },
      trustProxy: false,
      log: silentLogger(),
    });
    base = await app.listen({ host: '127.0.0.1', port: 0 });
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await influx?.stop();
  });

  /** citizen.js is h-citizen's; until it is in public/page/, its 404 is the one error we expect. */
  const expected = (text: string) =>
    !existsSync(join(PAGE_DIR, 'citizen.js')) && /404|citizen\.js/.test(text);

  async function open(viewport: { width: number; height: number }, lang?: string) {
    const context = await browser.newContext({ viewport, locale: 'fr-FR', timezoneId: 'Europe/Paris' });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' && !expected(`${m.text()} ${m.location().url}`)) errors.push(m.text());
    });
    page.on('pageerror', (err) => errors.push(err.message));
    // The first load's responses only; a size asked of a request still finishing when the context
    // closes rejects, so each is caught (an unawaited rejection would fail the run).
    const sizes: Promise<number>[] = [];
    let loading = true;
    page.on('requestfinished', (req) => {
      if (loading)
        sizes.push(
          req
            .sizes()
            .then((s) => s.responseBodySize + s.responseHeadersSize)
            .catch(() => 0),
        );
    });
    await page.goto(`${base}/${lang ? `?lang=${lang}` : ''}`);
    await page.locator('body[data-ready="true"]').waitFor({ timeout: 15_000 });
    await page.waitForLoadState('networkidle');
    loading = false;
    const bytes = (await Promise.all(sizes)).reduce((a, b) => a + b, 0);
    return { page, errors, bytes, close: () => context.close() };
  }

  const markerIds = (page: Page) =>
    page.$$eval('.leaflet-marker-icon.station-marker', (els) =>
      els.map((e) => e.getAttribute('data-station')),
    );

  it('shows one marker per public station, none for the others, without login, under 500 kB', async () => {
    const { page, errors, bytes, close } = await open({ width: 1280, height: 800 });
    console.log(`citizen page first load: ${bytes} bytes transferred (${(bytes / 1024).toFixed(1)} kB)`);
    expect(bytes).toBeLessThan(500_000);
    expect(page.url()).toBe(`${base}/`);
    expect((await markerIds(page)).sort()).toEqual([...PUBLIC].sort());
    const listed = await page.$$eval('#station-list button', (els) =>
      els.map((e) => e.getAttribute('data-station')),
    );
    expect(listed.sort()).toEqual([...PUBLIC].sort());
    const html = await page.content();
    for (const id of HIDDEN) expect(html).not.toContain(id);
    expect(await page.locator('.leaflet-overlay-pane path').count()).toBe(11); // the kecamatan
    expect(await page.locator('h1').textContent()).toBe('Kualitas lingkungan Kota Depok');
    // Margonda's ISPU is Tidak Sehat: its marker is yellow.
    const colour = await page
      .locator('.station-marker[data-station="aq-margonda-01"] .marker-shape')
      .getAttribute('style');
    expect(colour).toContain('rgb(242, 197, 0)');
    expect(errors).toEqual([]);
    await close();
  });

  it('opens a station from its marker: values with units and WIB times, ISPU and advice, 24 h chart', async () => {
    const { page, errors, close } = await open({ width: 1280, height: 800 });
    await page.locator('.station-marker[data-station="aq-margonda-01"]').click();
    const panel = page.locator('#panel');
    await panel.locator('svg.chart path.series').waitFor();
    expect(await panel.locator('h2').textContent()).toBe('Jl. Margonda Raya');
    const pm25 = await panel.locator('tr[data-field="pm25"]').textContent();
    expect(pm25).toMatch(/76 µg\/m³/); // the unit as people write it, not the stored "ug/m3"
    expect(pm25).toContain('Tervalidasi');
    // Fields by the catalogue's name, not their code, in the table and over the chart.
    expect(await panel.locator('tr[data-field="pm25"] th').textContent()).toBe('Konsentrasi massa PM2,5');
    expect(await panel.locator('.chart-block h3').textContent()).toBe(
      '24 jam terakhir: Konsentrasi massa PM2,5',
    );
    expect(await panel.locator('.values').locator('xpath=..').textContent()).toMatch(
      /Waktu: \d+ Des 2026 \d\d\.\d\d WIB/,
    );
    expect(await panel.locator('tr[data-field="pm10"]').textContent()).toContain(
      'Data sementara, belum divalidasi',
    );
    expect(await panel.locator('.ispu-chip').textContent()).toBe('ISPU 112: Tidak Sehat');
    expect(await panel.locator('.advice').textContent()).toContain('merugikan pada manusia');
    expect(await panel.textContent()).toContain('Beji');
    await page.screenshot({ path: '/tmp/public-id-desktop.png' });
    // Keyboard: the list's button opens the same kind of panel.
    await page.locator('#station-list button[data-station="wn-cilodong-01"]').focus();
    await page.keyboard.press('Enter');
    await panel.locator('h2', { hasText: 'Reservoir Cilodong' }).waitFor();
    expect(await panel.locator('tr[data-field="pressure"]').textContent()).toMatch(/bar/);
    expect(errors).toEqual([]);
    await close();
  });

  it('switches to English and works at phone width', async () => {
    const { page, errors, close } = await open({ width: 390, height: 844 });
    await page.screenshot({ path: '/tmp/public-id-phone.png', fullPage: true });
    await page.selectOption('#language', 'en');
    await page.locator('h1', { hasText: 'Environmental quality in Depok' }).waitFor();
    await page.locator('#station-list button[data-station="aq-margonda-01"]').click();
    const panel = page.locator('#panel');
    await panel.locator('svg.chart path.series').waitFor();
    expect(await panel.locator('.ispu-chip').textContent()).toBe('ISPU 112: Tidak Sehat (unhealthy)');
    expect(await panel.locator('tr[data-field="pm10"]').textContent()).toContain(
      'Provisional data, not yet validated',
    );
    expect(await panel.locator('tr[data-field="pm10"] th').textContent()).toBe('PM10 mass concentration');
    expect(await panel.locator('.chart-block h3').textContent()).toBe(
      'Last 24 hours: PM2.5 mass concentration',
    );
    const widest = await page.evaluate('document.documentElement.scrollWidth');
    expect(widest).toBeLessThanOrEqual(390);
    await page.screenshot({ path: '/tmp/public-en-phone.png', fullPage: true });
    expect(errors).toEqual([]);
    await close();
    const desktop = await open({ width: 1280, height: 800 }, 'en');
    await desktop.page.locator('.station-marker[data-station="aq-sawangan-01"]').click();
    await desktop.page.locator('#panel svg.chart path.series').waitFor();
    await desktop.page.screenshot({ path: '/tmp/public-en-desktop.png' });
    expect(desktop.errors).toEqual([]);
    await desktop.close();
  });
});
