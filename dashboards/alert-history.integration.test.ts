import mqtt from 'mqtt';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../lib/log.ts';
import { waitFor } from '../lib/process/ports.ts';
import { setServiceAccount } from '../lib/registry/provision.ts';
import { loadRegistry, saveRegistry } from '../lib/registry/store.ts';
import { launchChromium, logInToConsole } from '../testkit/chromium.ts';
import { makeConsoleRecords, TEST_USER } from '../testkit/console.ts';
import { type FlowsHarness, startFlowsHarness } from '../testkit/flows-harness.ts';
import { influxQuery } from '../testkit/influxd.ts';
import { TEST_SCRYPT } from '../testkit/pipeline.ts';
import { ConsoleConfigSchema } from './config.ts';
import { type ConsoleService, startConsole } from './service.ts';

// The alert history end to end (issue 14): devices -> broker -> ingest; the shipped Node-RED flows raise,
// escalate and clear, and write each transition to influxd; an operator acknowledges in the console,
// which publishes the ack to the flows over MQTT; the console's history reads the transitions back.
const WW = { id: 'ww-tapos-01', kind: 'wastewater', operator: 'UPTD PAL Depok' };
const WN = { id: 'wn-pancoran-01', kind: 'water_network', operator: 'PDAM Tirta Asasta' };
const BOD = `wastewater/${WW.id}/p68-bod`;
const TURBIDITY = `water_network/${WN.id}/turbidity-high`;
const COMMENT = '=1+1 IPAL blower restarted';

// biome-ignore lint/suspicious/noExplicitAny: the test reads loosely typed JSON answers.
type Json = any;

describe('alert history on the real pipeline, flows and influxd', () => {
  let h: FlowsHarness;
  let users: Awaited<ReturnType<typeof makeConsoleRecords>>;
  let console_: ConsoleService;
  let cookie = '';
  const api = (path: string, init: RequestInit = {}) =>
    fetch(`${console_.url}${path}`, {
      ...init,
      headers: { cookie, 'content-type': 'application/json', ...init.headers },
    });
  const json = async (path: string): Promise<Json> => (await api(path)).json();
  const send = async (device: string, kind: string, values: Record<string, number>) => {
    const before = await h.readings();
    const client = await h.pipeline.device(device);
    await client.publishAsync(`sensors/${kind}/${device}`, JSON.stringify({ ts: Date.now(), values }), {
      qos: 1,
    });
    await h.processed(before, 1);
  };
  const alertState = async (id: string) =>
    (await json('/api/alerts')).alerts.find((a: { id: string }) => a.id === id)?.state;
  const points = async (where: string) => {
    const r = await influxQuery(
      h.pipeline.influx.url,
      `SELECT count("value") FROM "alerts" WHERE ${where}`,
      h.pipeline.database,
    );
    return (r.results[0]?.series?.[0]?.values[0]?.[1] as number | undefined) ?? 0;
  };

  beforeAll(async () => {
    h = await startFlowsHarness([WW, WN], {
      overrides: { kinds: { wastewater: { rules: { 'p68-bod': { escalateAfterS: 1 } } } } },
    });
    users = await makeConsoleRecords();
    const added = await setServiceAccount(
      await loadRegistry(h.pipeline.registryPath),
      'operator',
      'operator',
      TEST_SCRYPT,
    );
    await saveRegistry(h.pipeline.registryPath, added.registry);
    await waitFor(
      async () => {
        const c = await mqtt.connectAsync(h.pipeline.mqttUrl, {
          clientId: 'operator:probe',
          username: 'operator',
          password: added.secret,
          reconnectPeriod: 0,
        });
        await c.endAsync();
        return true;
      },
      10_000,
      'the broker to load the operator account',
    );
    console_ = await startConsole(
      ConsoleConfigSchema.parse({
        http: { port: 0 },
        mqtt: {
          url: h.pipeline.mqttUrl,
          password: h.pipeline.secrets.get('dashboard'),
          ackPassword: added.secret,
        },
        influx: { url: h.pipeline.influx.url, database: h.pipeline.database },
        registryPath: h.pipeline.registryPath,
        recordsPath: users.path,
        usersPath: `${users.dir}/console-users.json`,
      }),
      silentLogger(),
    );
    await waitFor(() => console_.connected(), 10_000, 'console feed');
    const login = await fetch(`${console_.url}/api/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(TEST_USER),
    });
    expect(login.status).toBe(200);
    cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  }, 120_000);

  afterAll(async () => {
    await console_?.close();
    await h?.close();
    await users?.cleanup();
  });

  it('raise, escalation, acknowledgement with a comment, clear: one history row with all of it', async () => {
    const started = Date.now();
    await send(WW.id, WW.kind, { bod: 45, cod: 80 });
    await waitFor(async () => (await alertState(BOD)) === 'raised', 10_000, 'the BOD alert raised');
    await waitFor(async () => (await points(`"state" = 'escalated'`)) === 1, 10_000, 'the escalation point');

    const ack = await api(`/api/alerts/${BOD}/ack`, {
      method: 'POST',
      body: JSON.stringify({ comment: COMMENT }),
    });
    expect(ack.status).toBe(202);
    await waitFor(
      async () => (await alertState(BOD)) === 'acknowledged',
      10_000,
      'the ack through the flows',
    );
    await send(WW.id, WW.kind, { bod: 12 });
    await waitFor(async () => (await alertState(BOD)) === 'cleared', 10_000, 'the BOD alert cleared');

    // A second station's alert, raised and cleared without acknowledgement, for the filters.
    await send(WN.id, WN.kind, { turbidity: 5 });
    await waitFor(async () => (await alertState(TURBIDITY)) === 'raised', 10_000, 'turbidity raised');
    await send(WN.id, WN.kind, { turbidity: 2.4 });
    await waitFor(async () => (await alertState(TURBIDITY)) === 'cleared', 10_000, 'turbidity cleared');

    let body: Json;
    await waitFor(
      async () => {
        body = await json('/api/alerts/history');
        return body.rows?.length === 2;
      },
      10_000,
      'both episodes in the history',
    );
    expect(body.rows.map((r: { id: string }) => r.id)).toEqual([TURBIDITY, BOD]);
    const row = body.rows[1];
    expect(row).toMatchObject({
      kind: 'wastewater',
      station: WW.id,
      rule: 'p68-bod',
      severity: expect.any(String),
      acknowledged_by: TEST_USER.username,
      comment: COMMENT,
      raised_value: 45,
      cleared_value: 12,
      limit: 30,
      unit: 'mg/L',
      standard: expect.stringContaining('P.68'),
    });
    const at = (name: string) => Date.parse(row[name]);
    for (const name of ['raised_at', 'escalated_at', 'acknowledged_at', 'cleared_at']) {
      expect(at(name), name).toBeGreaterThanOrEqual(started - 1000);
      expect(at(name), name).toBeLessThanOrEqual(Date.now());
    }
    expect(at('raised_at')).toBeLessThan(at('escalated_at'));
    expect(at('escalated_at')).toBeLessThan(at('acknowledged_at'));
    expect(at('acknowledged_at')).toBeLessThan(at('cleared_at'));
    expect(row.duration_s).toBeCloseTo((at('cleared_at') - at('raised_at')) / 1000, 3);
    expect(body.rows[0]).toMatchObject({ station: WN.id, acknowledged_at: null, acknowledged_by: null });

    // Filters reach influxd as InfluxQL, a quote in a rule id included, and the CSV says the same.
    const ids = async (q: string) => (await json(`/api/alerts/history?${q}`)).rows.map((r: Json) => r.id);
    expect(await ids(`station=${WW.id}`)).toEqual([BOD]);
    expect(await ids('kind=water_network')).toEqual([TURBIDITY]);
    expect(await ids('rule=p68-bod')).toEqual([BOD]);
    expect(await ids(`rule=${encodeURIComponent("x'OR'1'='1\\")}`)).toEqual([]);
    expect(await ids(`from=${Date.now() + 60_000}&to=${Date.now() + 120_000}`)).toEqual([]);
    const csv = await (await api(`/api/alerts/history.csv?station=${WW.id}`)).text();
    expect(csv.split('\r\n')).toHaveLength(3);
    expect(csv).toContain(`,${TEST_USER.username},'${COMMENT},`);
  });

  describe('in a browser', () => {
    let browser: Browser;
    let page: Page;
    beforeAll(async () => {
      browser = await launchChromium();
      page = await browser.newPage({ viewport: { width: 1400, height: 800 } });
    });
    afterAll(async () => {
      await browser?.close();
    });

    it('lists the episodes in Indonesian with WIB times, and the filters filter', async () => {
      await logInToConsole(page, console_.url, TEST_USER.username, TEST_USER.password);
      expect(await page.locator('#history-link').textContent()).toBe('Riwayat alarm');
      await page.click('#history-link');
      await page.waitForURL(`${console_.url}/history**`);

      const rows = page.locator('#episodes tbody tr');
      await expect.poll(() => rows.count()).toBe(2);
      const bod = page.locator(`tr[data-id="${BOD}"]`);
      expect(await bod.locator('.acknowledged .by').textContent()).toBe(TEST_USER.username);
      expect(await bod.locator('.acknowledged .comment').textContent()).toBe(`"${COMMENT}"`);
      for (const cell of ['raised', 'escalated', 'cleared'])
        expect(await bod.locator(`td.${cell}`).textContent(), cell).toMatch(/\d{2}\.\d{2}\.\d{2} WIB$/);
      expect(await bod.locator('td.duration').textContent()).toMatch(/^\d+([.,]\d+)? dtk$|mnt/);
      expect(await page.locator('#episodes th').first().textContent()).toBe('Stasiun');
      expect(await page.locator('#count').textContent()).toBe('2 alarm');
      await page.screenshot({ path: '/tmp/console-alert-history.png', fullPage: true });

      await page.selectOption('select[name=kind]', 'wastewater');
      await page.click('#filters button[type=submit]');
      await expect.poll(() => rows.count()).toBe(1);
      expect(await rows.first().getAttribute('data-id')).toBe(BOD);
      expect(await page.locator('#csv').getAttribute('href')).toContain('kind=wastewater');

      await page.selectOption('select[name=kind]', '');
      await page.selectOption('select[name=station]', WN.id);
      await page.click('#filters button[type=submit]');
      await expect.poll(async () => rows.first().getAttribute('data-id')).toBe(TURBIDITY);
      expect(await rows.count()).toBe(1);

      await page.selectOption('select[name=station]', '');
      await page.fill('input[name=rule]', 'p68-bod');
      await page.click('#filters button[type=submit]');
      await expect.poll(async () => rows.first().getAttribute('data-id')).toBe(BOD);
      expect(await rows.count()).toBe(1);

      // A period with nothing in it, and the filters kept in the address for a reload.
      await page.fill('input[name=rule]', '');
      await page.fill('input[name=from]', '2020-01-01T00:00');
      await page.fill('input[name=to]', '2020-01-02T00:00');
      await page.click('#filters button[type=submit]');
      await expect.poll(() => rows.count()).toBe(0);
      expect(await page.locator('#count').textContent()).toBe('Tidak ada alarm yang pulih pada periode ini.');
      await page.reload();
      await expect.poll(() => page.locator('input[name=from]').inputValue()).toBe('2020-01-01T00:00');

      // English: the user's preference, saved by the page's language switch.
      await page.goto(`${console_.url}/history`);
      await page.locator('#language').selectOption('en');
      await expect.poll(() => page.locator('#count').textContent()).toBe('2 alerts');
      await expect.poll(() => rows.count()).toBe(2);
      expect(await page.locator('#episodes th').first().textContent()).toBe('Station');
      await page.screenshot({ path: '/tmp/console-alert-history-en.png', fullPage: true });
    });
  });
});
