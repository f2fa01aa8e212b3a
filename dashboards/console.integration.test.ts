import mqtt, { type MqttClient } from 'mqtt';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../lib/log.ts';
import { waitFor } from '../lib/process/ports.ts';
import { openRecords } from '../lib/records/database.ts';
import { revokeDevice, setServiceAccount } from '../lib/registry/provision.ts';
import { loadRegistry, saveRegistry } from '../lib/registry/store.ts';
import { launchChromium, logInToConsole } from '../testkit/chromium.ts';
import { makeConsoleRecords, seedConsoleUsers, TEST_USER } from '../testkit/console.ts';
import { type Pipeline, startPipeline, TEST_SCRYPT } from '../testkit/pipeline.ts';
import { ConsoleConfigSchema } from './config.ts';
import { type ConsoleService, startConsole } from './service.ts';

const XSS_NAME = '<img src=x onerror="window.__xss=1">';
const XSS_MESSAGE = '<script>window.__xss=2</script><b onmouseover=alert(1)>PM2.5</b> above limit';
const STATIONS = [
  { id: 'aq-beji-01', kind: 'air_quality', district: 'beji', operator: 'DLHK Depok', name: XSS_NAME },
  { id: 'ww-tapos-01', kind: 'wastewater', district: 'tapos', operator: 'DLHK Depok' },
  { id: 'wn-old-01', kind: 'water_network', district: 'beji' },
];
const ALERT_TOPIC = 'alerts/air_quality/aq-beji-01/pm25-24h';
const ADMIN = { username: 'admin', password: 'an admin password' };
const alertBody = (over: Record<string, unknown> = {}) => ({
  id: 'air_quality/aq-beji-01/pm25-24h',
  kind: 'air_quality',
  station: 'aq-beji-01',
  rule: 'pm25-24h',
  rule_type: 'threshold',
  parameter: 'pm25',
  state: 'raised',
  severity: 'critical',
  message: XSS_MESSAGE,
  value: 81.2,
  limit: 55,
  unit: 'ug/m3',
  averaging: '24h',
  provisional: true,
  raised_at: Date.now(),
  ...over,
});

describe('console on the real pipeline: broker + ingest + influxd', () => {
  let p: Pipeline;
  let console_: ConsoleService;
  let users: Awaited<ReturnType<typeof makeConsoleRecords>>;
  let flows: MqttClient;
  const acks: { topic: string; body: { by: string; comment?: string } }[] = [];
  // biome-ignore lint/suspicious/noExplicitAny: test reads loosely typed JSON answers.
  const json = async (path: string): Promise<any> => (await api(path)).json();
  const api = async (path: string, init: RequestInit = {}) =>
    fetch(`${console_.url}${path}`, {
      ...init,
      headers: {
        authorization: `Bearer ${users.token}`,
        'content-type': 'application/json',
        ...init.headers,
      },
    });

  beforeAll(async () => {
    p = await startPipeline(STATIONS);
    users = await makeConsoleRecords();
    const records = openRecords(users.path);
    await seedConsoleUsers(records, [{ ...ADMIN, roles: ['admin'] }]);
    records.close();
    // startPipeline's registry has no operator account: add one; the broker reloads the file.
    const added = await setServiceAccount(
      await loadRegistry(p.registryPath),
      'operator',
      'operator',
      TEST_SCRYPT,
    );
    await saveRegistry(p.registryPath, added.registry);
    await waitFor(
      async () => {
        const c = await mqtt.connectAsync(p.mqttUrl, {
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
    flows = await p.connect('flows', 'flows:test');
    flows.on('message', (topic, payload) => {
      if (topic.endsWith('/ack')) acks.push({ topic, body: JSON.parse(payload.toString()) });
    });
    await flows.subscribeAsync('alerts/#', { qos: 1 });
    console_ = await startConsole(
      ConsoleConfigSchema.parse({
        http: { port: 0 },
        mqtt: {
          url: p.mqttUrl,
          password: p.secrets.get('dashboard'),
          ackPassword: added.secret,
        },
        influx: { url: p.influx.url, database: p.database },
        registryPath: p.registryPath,
        recordsPath: users.path,
        usersPath: `${users.dir}/console-users.json`,
      }),
      silentLogger(),
    );
    await waitFor(() => console_.connected(), 10_000, 'console feed');
  });
  afterAll(async () => {
    await console_?.close();
    await flows?.endAsync(true);
    await p?.close();
    await users?.cleanup();
  });

  it('shows readings published by a device, with history from InfluxDB', async () => {
    const device = await p.device('aq-beji-01');
    const now = Date.now();
    for (let i = 0; i < 5; i++) {
      await device.publishAsync(
        'sensors/air_quality/aq-beji-01',
        JSON.stringify({ ts: now - (5 - i) * 60_000, values: { pm25: 30 + i, pm10: 50 } }),
        { qos: 1 },
      );
    }
    await device.publishAsync('sensors/air_quality/aq-beji-01/status', 'online', { qos: 1, retain: true });
    await waitFor(
      async () => {
        const body = await json('/api/status');
        const st = body.stations.find((s: { id: string }) => s.id === 'aq-beji-01');
        return st?.values.pm25 === 34 && st.status === 'online' && st.stale === false;
      },
      10_000,
      'the station in /api/status',
    );
    await p.ingest.drain();
    await waitFor(
      async () => {
        const body = await json('/api/stations/aq-beji-01/history?hours=24');
        return body.series?.some(
          (s: { field: string; unit: string }) => s.field === 'pm25' && s.unit === 'ug/m3',
        );
      },
      10_000,
      'history from InfluxDB',
    );
  });

  it('lists a retained alert from the flows account and publishes an acknowledgement on MQTT', async () => {
    await flows.publishAsync('alerts/water_network/wn-x/pressure-low', JSON.stringify(alertBody()), {
      qos: 1,
    });
    await flows.publishAsync(ALERT_TOPIC, JSON.stringify(alertBody()), { qos: 1, retain: true });
    await waitFor(
      async () => (await json('/api/alerts')).alerts.some((a: { id: string }) => a.id.endsWith('pm25-24h')),
      10_000,
      'the alert in /api/alerts',
    );
    const res = await api(`/api/${ALERT_TOPIC}/ack`, {
      method: 'POST',
      body: JSON.stringify({ comment: 'on it' }),
    });
    expect(res.status).toBe(202);
    await waitFor(() => acks.length > 0, 10_000, 'the ack on MQTT');
    expect(acks[0]).toEqual({ topic: `${ALERT_TOPIC}/ack`, body: { by: 'ack-script', comment: 'on it' } });
    const unauth = await fetch(`${console_.url}/api/${ALERT_TOPIC}/ack`, { method: 'POST' });
    expect(unauth.status).toBe(401);
  });

  it('a device revoked while running leaves the station list and the counts', async () => {
    const ids = async () => (await json('/api/status')).stations.map((s: { id: string }) => s.id);
    const device = await p.device('wn-old-01');
    await device.publishAsync(
      'sensors/water_network/wn-old-01',
      JSON.stringify({ ts: Date.now(), values: { pressure: 2.5 } }),
      { qos: 1 },
    );
    await waitFor(
      async () =>
        (await json('/api/status')).stations.some(
          (s: { id: string; values: { pressure?: number } }) =>
            s.id === 'wn-old-01' && s.values.pressure === 2.5,
        ),
      10_000,
      'the station listed',
    );
    const before = (await json('/api/status')).summary.stations;
    await saveRegistry(p.registryPath, revokeDevice(await loadRegistry(p.registryPath), 'wn-old-01'));
    await waitFor(async () => !(await ids()).includes('wn-old-01'), 10_000, 'the revoked station gone');
    // The broker closes its session and keeps a retained "offline" status: still not a station.
    await device.endAsync(true);
    const after = await json('/api/status');
    expect(after.summary.stations).toBe(before - 1);
    expect(await ids()).not.toContain('wn-old-01');
    expect((await json('/api/stations/wn-old-01')).error).toBe('unknown station');
  });

  describe('in a browser', () => {
    let browser: Browser;
    let page: Page;
    beforeAll(async () => {
      browser = await launchChromium();
      page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    });
    afterAll(async () => {
      await browser?.close();
    });

    it('logs in, sees stations and alerts (as text), acknowledges, and follows live updates', async () => {
      acks.length = 0;
      // A fresh raised alert (the previous test's ack was never confirmed by real flows).
      await flows.publishAsync(ALERT_TOPIC, JSON.stringify(alertBody()), { qos: 1, retain: true });
      await flows.publishAsync(
        'readings/ispu/aq-beji-01',
        JSON.stringify({
          station: 'aq-beji-01',
          ts: Date.now(),
          ispu: 112,
          category: 'Tidak Sehat',
          dominant: 'pm25',
        }),
        { qos: 1 },
      );
      await page.goto(`${console_.url}/`);
      await page.waitForURL('**/login');
      await page.fill('input[name=username]', TEST_USER.username);
      await page.fill('input[name=password]', TEST_USER.password);
      await page.click('button[type=submit]');
      await page.waitForURL(`${console_.url}/`);

      const row = page.locator('tr[data-station="aq-beji-01"]');
      await row.waitFor();
      await expect.poll(() => row.textContent()).toContain(XSS_NAME);
      const alert = page.locator('tr[data-alert-id="air_quality/aq-beji-01/pm25-24h"]');
      await expect.poll(() => alert.locator('.message').textContent()).toBe(XSS_MESSAGE);
      await expect
        .poll(() => page.locator('.ispu.ispu-tidak-sehat').first().textContent())
        .toBe('112 Tidak Sehat');
      await page.waitForSelector('.live.on');

      // Live: a new reading reaches the table through SSE without a reload.
      const device = await p.device('aq-beji-01');
      await device.publishAsync(
        'sensors/air_quality/aq-beji-01',
        JSON.stringify({ ts: Date.now(), values: { pm25: 77.7 } }),
        {
          qos: 1,
        },
      );
      await expect.poll(() => row.locator('.values').textContent(), { timeout: 10_000 }).toContain('77,7');

      // Stand in for the alert flows: confirm each ack by republishing the alert as acknowledged.
      flows.on('message', (topic, payload) => {
        if (topic !== `${ALERT_TOPIC}/ack`) return;
        const ack = JSON.parse(payload.toString());
        const body = alertBody({
          state: 'acknowledged',
          acknowledged_by: ack.by,
          comment: ack.comment,
          acknowledged_at: Date.now(),
        });
        flows.publish(ALERT_TOPIC, JSON.stringify(body), { qos: 1, retain: true });
      });
      await alert.locator('input[name=comment]').fill('<i>crew sent</i>');
      await alert.locator('button[type=submit]').click();
      await waitFor(() => acks.length > 0, 10_000, 'the ack from the browser');
      expect(acks[0]?.body).toEqual({ by: TEST_USER.username, comment: '<i>crew sent</i>' });
      await expect
        .poll(() => alert.textContent(), { timeout: 10_000 })
        .toContain(`dikonfirmasi oleh ${TEST_USER.username}`);
      await expect.poll(() => alert.locator('.comment').textContent()).toBe('"<i>crew sent</i>"');

      // Nothing from the payloads became markup or ran.
      expect(await page.evaluate(() => (globalThis as { __xss?: number }).__xss)).toBeUndefined();
      expect(await page.locator('main img, main script, main b[onmouseover], main i').count()).toBe(0);
      await page.screenshot({ path: '/tmp/console-overview.png', fullPage: true });

      await row.locator('a').first().click();
      await page.locator('figure[data-field="pm25"] svg polyline').waitFor({ timeout: 10_000 });
      // The field by its catalogue name in the viewer's language (Indonesian here), the code as tooltip.
      expect(await page.locator('figure[data-field="pm25"] figcaption').textContent()).toBe(
        'Konsentrasi massa PM2,5 (µg/m³)',
      );
      expect(await page.getAttribute('figure[data-field="pm25"] figcaption', 'title')).toBe('pm25');
      await page.screenshot({ path: '/tmp/console-station.png', fullPage: true });
    });

    it('shows an admin the audit log, filtered, with a matching CSV link', async () => {
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      try {
        const admin = await context.newPage();
        await logInToConsole(admin, console_.url, ADMIN.username, ADMIN.password);
        await admin.click('#audit-link');
        await admin.waitForURL(`${console_.url}/admin`);
        const rows = admin.locator('#audit tbody tr');
        await expect.poll(() => rows.count()).toBeGreaterThan(2);
        const actions = () =>
          rows
            .locator('td[data-action]')
            .evaluateAll((tds) => tds.map((td) => td.getAttribute('data-action')));
        await expect.poll(actions).toContain('alert_acknowledged');
        await admin.fill('input[name=action]', 'alert_acknowledged');
        await admin.fill('input[name=user]', TEST_USER.username);
        await admin.click('#filters button[type=submit]');
        await expect.poll(async () => [...new Set(await actions())]).toEqual(['alert_acknowledged']);
        expect(await rows.first().locator('td:nth-child(3)').textContent()).toBe('Alarm dikonfirmasi');
        expect(await rows.first().locator('td:nth-child(4)').textContent()).toBe(
          'air_quality/aq-beji-01/pm25-24h',
        );
        expect(await rows.first().locator('td:nth-child(1)').textContent()).toMatch(/WIB$/);
        expect(await admin.locator('#csv').getAttribute('href')).toBe(
          `/api/admin/audit.csv?user=${TEST_USER.username}&action=alert_acknowledged`,
        );
        await admin.screenshot({ path: '/tmp/console-audit.png', fullPage: true });
        // The operator's page has no audit link, and the page itself refuses them.
        expect(await page.locator('#audit-link').count()).toBe(0);
        expect((await page.goto(`${console_.url}/admin`))?.status()).toBe(403);
      } finally {
        await context.close();
      }
    });
  });
});
