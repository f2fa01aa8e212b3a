import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { V1Login } from '../lib/influx/v1-users.ts';
import { silentLogger } from '../lib/log.ts';
import { freePort, waitFor } from '../lib/process/ports.ts';
import { launchChromium, logInToConsole } from '../testkit/chromium.ts';
import { influxCount, influxQuery } from '../testkit/influxd.ts';
import { StackConfigSchema } from './config.ts';
import { type StackService, startStack } from './start.ts';

// issue 12, item 3 and "Done when": a page served on another loopback port wrote a forged pm25=999.9
// into the InfluxDB of `npm start`, created a database and read series cross-origin. Here a real
// Chromium, logged in to the console, opens such a page; nothing it tries may work.
const STATION = 'aq-margonda-01'; // the first air_quality station of simulators/stations/depok.json
const RULE = 'pm25-24h';
const ALERT_TOPIC = `alerts/air_quality/${STATION}/${RULE}`;
const FORGED = 'air_quality,station=aq-forged-01,district=beji,operator=x pm25=999.9';

type Targets = {
  influx: string;
  console: string;
  line: string;
  alert: string;
  login: { username: string; password: string };
};

/**
 * Runs in the attacker's page (page.evaluate sends its source: it sees its argument, nothing else of
 * this module): every request it can make without knowing an InfluxDB password.
 */
async function attack(t: Targets) {
  const out: Record<string, string> = {};
  const attempt = async (name: string, url: string, init: RequestInit) => {
    try {
      const res = await fetch(url, init);
      out[name] = res.type === 'opaque' ? 'opaque' : `${res.status} ${await res.text()}`;
    } catch (err) {
      out[name] = `blocked: ${(err as Error).name}`;
    }
  };
  const text = { 'content-type': 'text/plain' };
  const write = `${t.influx}/write?db=environment&precision=ms`;
  await attempt('write', write, { method: 'POST', headers: text, body: t.line });
  // No `credentials: 'include'` towards InfluxDB: the page holds none for it, and Chromium would answer
  // the 401's Basic challenge with a login prompt that waits for a user.
  await attempt('write-no-cors', write, { method: 'POST', mode: 'no-cors', body: t.line });
  await attempt('create-database', `${t.influx}/query?q=${encodeURIComponent('CREATE DATABASE "evil"')}`, {
    method: 'POST',
  });
  await attempt(
    'read',
    `${t.influx}/query?db=environment&q=${encodeURIComponent('SELECT * FROM air_quality LIMIT 1')}`,
    {},
  );
  await attempt('show-databases', `${t.influx}/query?q=SHOW%20DATABASES`, {});
  await attempt('debug-vars', `${t.influx}/debug/vars`, {});
  await attempt('pprof', `${t.influx}/debug/pprof/heap`, { mode: 'no-cors' });

  const ack = `${t.console}/api/${t.alert}/ack`;
  // A simple request (no preflight) that carries the session cookie: 127.0.0.1 on two ports is one site.
  await attempt('ack-simple', ack, {
    method: 'POST',
    mode: 'no-cors',
    credentials: 'include',
    headers: text,
    body: '{"comment":"forged"}',
  });
  await attempt('ack-json', ack, {
    method: 'POST',
    credentials: 'include',
    headers: { 'content-type': 'application/json' },
    body: '{"comment":"forged"}',
  });
  await attempt('login-csrf', `${t.console}/api/login`, {
    method: 'POST',
    mode: 'no-cors',
    credentials: 'include',
    headers: text,
    body: JSON.stringify(t.login),
  });
  return out;
}

describe('a page on another loopback port, in a browser logged in to the console', () => {
  let stack: StackService | undefined;
  let stateDir = '';
  let browser: Browser | undefined;
  let evil: Server | undefined;
  let evilUrl = '';
  let flows: MqttClient | undefined;
  const acks: string[] = [];

  beforeAll(async () => {
    stateDir = await mkdtemp(join(tmpdir(), 'stack-xorigin-'));
    const config = StackConfigSchema.parse({
      stateDir,
      influxPort: await freePort(),
      brokerPort: await freePort(),
      intervalMs: 500,
      flows: false, // the alert below stands in for the flows: Node-RED is not what this is about
    });
    stack = await startStack(config, silentLogger(), {
      ...process.env,
      BROKER_HTTP_PORT: '0',
      INGEST_HTTP_PORT: '0',
      CONSOLE_HTTP_PORT: '0',
      PUBLIC_PORT: '0',
    });
    const services = JSON.parse(await readFile(join(stateDir, 'service-secrets.json'), 'utf8'));
    flows = await mqtt.connectAsync(`mqtt://127.0.0.1:${config.brokerPort}`, {
      clientId: 'flows:test',
      username: 'flows',
      password: services.flows,
      reconnectPeriod: 0,
    });
    flows.on('message', (topic) => {
      if (topic.endsWith('/ack')) acks.push(topic);
    });
    await flows.subscribeAsync('alerts/#', { qos: 1 });
    const raised = {
      id: `air_quality/${STATION}/${RULE}`,
      kind: 'air_quality',
      station: STATION,
      rule: RULE,
      rule_type: 'threshold',
      parameter: 'pm25',
      state: 'raised',
      severity: 'critical',
      message: 'PM2.5 above limit',
      value: 81.2,
      limit: 55,
      unit: 'ug/m3',
      averaging: '24h',
      provisional: true,
      raised_at: Date.now(),
    };
    await flows.publishAsync(ALERT_TOPIC, JSON.stringify(raised), { qos: 1, retain: true });

    // `/form` is the classic CSRF: a form that posts itself to the console as text/plain.
    const ack = `${stack.consoleUrl}/api/${ALERT_TOPIC}/ack`;
    evil = createServer((req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(
        req.url === '/form'
          ? `<!doctype html><form method="post" enctype="text/plain" action="${ack}"><input name='{"comment":"x","y' value='"}'></form><script>document.forms[0].submit()</script>`
          : '<!doctype html><title>cheap flights</title><h1>nothing to see</h1>',
      );
    });
    await new Promise<void>((resolve) => evil?.listen(0, '127.0.0.1', resolve));
    evilUrl = `http://127.0.0.1:${(evil.address() as AddressInfo).port}`;
    browser = await launchChromium();
  }, 90_000);
  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => (evil ? evil.close(resolve) : resolve(undefined)));
    await flows?.endAsync(true);
    await stack?.close();
    if (stateDir) await rm(stateDir, { recursive: true, force: true });
  });

  it('can neither write to nor read from the local InfluxDB, nor act on the console', async () => {
    const s = stack as StackService;
    const consoleUrl = s.consoleUrl as string;
    const password = (await readFile(join(stateDir, 'console-admin-password'), 'utf8')).trim();
    const page = await (browser as Browser).newPage();
    // Every answer the browser got, including those the page may not read (opaque, no CORS header).
    const seen: { name: string; status: number; setCookie: boolean }[] = [];
    page.on('response', (res) => {
      const url = new URL(res.url());
      const name = `${res.request().method()} ${url.port === new URL(s.influxUrl).port ? 'influx' : 'console'} ${url.pathname}`;
      if (url.origin !== evilUrl)
        seen.push({ name, status: res.status(), setCookie: res.headers()['set-cookie'] !== undefined });
    });

    // The operator logs in, and the console charts history through its read-only InfluxDB login.
    await logInToConsole(page, consoleUrl, 'admin', password);
    // biome-ignore lint/suspicious/noExplicitAny: loosely typed JSON answers of the console's API
    const get = (path: string): Promise<any> => page.evaluate(async (p) => (await fetch(p)).json(), path);
    await waitFor(
      async () => (await get(`/api/stations/${STATION}/history`)).series?.length > 0,
      30_000,
      'history from InfluxDB in the console',
    );
    await waitFor(async () => (await get('/api/alerts')).alerts.length > 0, 10_000, 'the raised alert');
    seen.length = 0;

    // Then opens the attacker's page.
    await page.goto(`${evilUrl}/`);
    const out = await page.evaluate(attack, {
      influx: s.influxUrl,
      console: consoleUrl,
      line: FORGED,
      alert: ALERT_TOPIC,
      login: { username: 'admin', password },
    });
    await page.goto(`${evilUrl}/form`);
    await page.waitForURL(`${consoleUrl}/api/${ALERT_TOPIC}/ack`);

    // InfluxDB: every write and query was refused for want of credentials; what it would have read is
    // not in the page.
    const influxAnswers = seen.filter((r) => r.name.includes(' influx /write') || r.name.includes('/query'));
    expect(influxAnswers.length).toBeGreaterThanOrEqual(5);
    for (const r of influxAnswers) expect(r, r.name).toMatchObject({ status: 401 });
    for (const name of ['write', 'create-database', 'read', 'show-databases'])
      expect(out[name], name).toMatch(/^401 /);
    // /debug/vars answers without credentials (influxd 1.6 has no switch for it), but with no CORS
    // header, so the page cannot read it; pprof is off.
    expect(out['debug-vars']).toBe('blocked: TypeError');
    expect(seen.find((r) => r.name.endsWith('/debug/pprof/heap'))?.status).toBe(404);

    // Console: 403, not 401: the session cookie went along (two ports of 127.0.0.1 are one site), and
    // the console's cross-site check refused every state change; no session was set.
    const consoleAnswers = seen.filter((r) => r.name.startsWith('POST console'));
    expect(consoleAnswers.map((r) => r.name).sort()).toEqual([
      `POST console /api/${ALERT_TOPIC}/ack`, // fetch, text/plain, with the cookie
      `POST console /api/${ALERT_TOPIC}/ack`, // the form
      'POST console /api/login',
    ]);
    for (const r of consoleAnswers) expect(r, r.name).toMatchObject({ status: 403, setCookie: false });
    expect(out['ack-json']).toBe('blocked: TypeError'); // its CORS preflight is never granted

    // Nothing was written, created or acknowledged: asked as the InfluxDB admin.
    const admin: V1Login = {
      username: 'admin',
      password: (await readFile(join(stateDir, 'influxdb-admin-password'), 'utf8')).trim(),
    };
    const databases = await influxQuery(s.influxUrl, 'SHOW DATABASES', undefined, admin);
    expect(databases.results[0]?.series?.[0]?.values.flat()).not.toContain('evil');
    const forged = await influxQuery(
      s.influxUrl,
      `SELECT COUNT(pm25) FROM air_quality WHERE station = 'aq-forged-01' OR pm25 = 999.9`,
      'environment',
      admin,
    );
    expect(forged.results[0]?.series).toBeUndefined();
    expect(await influxCount(s.influxUrl, 'environment', 'air_quality', 'pm25', admin)).toBeGreaterThan(0);
    expect(acks).toEqual([]);

    // The same acknowledgement from the console's own page works: the refusals above were about origin.
    await page.goto(`${consoleUrl}/`);
    const own = await page.evaluate(
      async (topic) =>
        (
          await fetch(`/api/${topic}/ack`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: '{"comment":"on it"}',
          })
        ).status,
      ALERT_TOPIC,
    );
    expect(own).toBe(202);
    await waitFor(() => acks.length === 1, 10_000, 'the ack from the console page');
  }, 90_000);
});
