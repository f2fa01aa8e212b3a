import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../lib/log.ts';
import { openRecords, type Records } from '../lib/records/database.ts';
import { makeConsoleRecords, TEST_USER } from '../testkit/console.ts';
import { buildApp } from './app.ts';
import { SessionStore } from './auth/sessions.ts';
import { UserDirectory } from './auth/users.ts';
import { LiveState } from './core/live-state.ts';
import type { AckMessage } from './http/api-routes.ts';
import { EventHub } from './http/events.ts';
import { createConsoleMetrics } from './metrics.ts';

const NOW = Date.now();
const ALERT_TOPIC = 'alerts/air_quality/aq-beji-01/pm25-24h';
const XSS = '<img src=x onerror="alert(1)">';

describe('console HTTP API (inject)', () => {
  let app: FastifyInstance;
  let users: Awaited<ReturnType<typeof makeConsoleRecords>>;
  let records: Records;
  const acks: { topic: string; message: AckMessage }[] = [];
  const state = new LiveState([{ id: 'aq-beji-01', kind: 'air_quality', district: 'beji' }]);

  beforeAll(async () => {
    users = await makeConsoleRecords();
    records = openRecords(users.path);
    state.apply(
      ALERT_TOPIC,
      JSON.stringify({
        id: 'x',
        kind: 'air_quality',
        station: 'aq-beji-01',
        rule: 'pm25-24h',
        rule_type: 'threshold',
        parameter: 'pm25',
        state: 'raised',
        severity: 'critical',
        message: XSS,
        value: 80,
        limit: 55,
        unit: 'ug/m3',
        provisional: false,
        raised_at: NOW,
      }),
      NOW,
    );
    app = await buildApp({
      state,
      hub: new EventHub(),
      records,
      users: new UserDirectory(records),
      sessions: new SessionStore(60_000),
      metrics: createConsoleMetrics(),
      history: async () => [{ field: 'pm25', unit: 'ug/m3', description: 'PM2.5', points: [[NOW, 12]] }],
      ack: async (topic, message) => {
        acks.push({ topic, message });
      },
      isConnected: () => true,
      publicRead: false,
      secureCookie: false,
      sessionTtlMs: 60_000,
      maxSseClients: 5,
      maxSsePerPrincipal: 4,
      trustProxy: false,
      log: silentLogger(),
    });
  });
  afterAll(async () => {
    await app?.close();
    records?.close();
    await users?.cleanup();
  });

  const login = async () => {
    const res = await app.inject({ method: 'POST', url: '/api/login', payload: TEST_USER });
    expect(res.statusCode).toBe(200);
    const cookie = String(res.headers['set-cookie']);
    expect(cookie).toMatch(/^console_session=[\w-]+; Path=\/; HttpOnly; SameSite=Strict; Max-Age=60$/);
    return cookie.split(';')[0] ?? '';
  };
  const ackUrl = `/api/${ALERT_TOPIC}/ack`;

  it('serves health, metrics and security headers', async () => {
    const health = await app.inject('/healthz');
    expect(health.json()).toEqual({ status: 'ok', mqtt: true });
    expect(health.headers['content-security-policy']).toContain("script-src 'self'");
    expect((await app.inject('/metrics')).body).toContain('console_sse_clients');
  });

  it('keeps read-only pages and APIs behind the login by default', async () => {
    expect((await app.inject('/api/status')).statusCode).toBe(401);
    const page = await app.inject('/');
    expect(page.statusCode).toBe(303);
    expect(page.headers.location).toBe('/login');
    expect((await app.inject('/login')).statusCode).toBe(200);
    expect((await app.inject('/assets/app.js')).headers['content-type']).toContain('javascript');
    expect((await app.inject('/assets/..%2Fconfig.ts')).statusCode).toBe(404);
    expect((await app.inject('/assets/index.html')).statusCode).toBe(404);
  });

  it('refuses a wrong password and a cross-site login', async () => {
    const wrong = await app.inject({
      method: 'POST',
      url: '/api/login',
      payload: { ...TEST_USER, password: 'nope' },
    });
    expect(wrong.statusCode).toBe(401);
    const nobody = await app.inject({
      method: 'POST',
      url: '/api/login',
      payload: { username: 'x', password: 'y' },
    });
    expect(nobody.statusCode).toBe(401);
    const cross = await app.inject({
      method: 'POST',
      url: '/api/login',
      payload: TEST_USER,
      headers: { origin: 'https://evil.example' },
    });
    expect(cross.statusCode).toBe(403);
  });

  it('requires auth to acknowledge: 401 without, 403 cross-site, 202 with a session or token', async () => {
    const anonymous = await app.inject({ method: 'POST', url: ackUrl, payload: {} });
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.headers['www-authenticate']).toBe('Bearer');
    expect(
      (await app.inject({ method: 'POST', url: ackUrl, headers: { authorization: 'Bearer wrong' } }))
        .statusCode,
    ).toBe(401);

    const cookie = await login();
    const form = await app.inject({
      method: 'POST',
      url: ackUrl,
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'comment=x',
    });
    // fastify has no form parser: refused before our CSRF check even runs.
    expect(form.statusCode).toBe(415);
    const plain = await app.inject({
      method: 'POST',
      url: ackUrl,
      headers: { cookie, 'content-type': 'text/plain' },
      payload: '{"comment":"x"}',
    });
    expect(plain.statusCode).toBe(403);
    const crossSite = await app.inject({
      method: 'POST',
      url: ackUrl,
      headers: { cookie, 'sec-fetch-site': 'cross-site' },
      payload: {},
    });
    expect(crossSite.statusCode).toBe(403);
    expect(acks).toEqual([]);

    const ok = await app.inject({
      method: 'POST',
      url: ackUrl,
      headers: { cookie, origin: 'http://localhost:80', host: 'localhost:80' },
      payload: { comment: 'checking the station' },
    });
    expect(ok.statusCode).toBe(202);
    expect(acks.at(-1)).toEqual({
      topic: `${ALERT_TOPIC}/ack`,
      message: { by: 'siti', comment: 'checking the station' },
    });

    const byToken = await app.inject({
      method: 'POST',
      url: ackUrl,
      headers: { authorization: `Bearer ${users.token}` },
    });
    expect(byToken.statusCode).toBe(202);
    expect(acks.at(-1)?.message).toEqual({ by: 'ack-script' });
  });

  it('answers 404 for unknown alerts, 400 for bad bodies, 409 once acknowledged', async () => {
    const auth = { authorization: `Bearer ${users.token}` };
    const unknown = await app.inject({
      method: 'POST',
      url: '/api/alerts/air_quality/aq-beji-01/nope/ack',
      headers: auth,
    });
    expect(unknown.statusCode).toBe(404);
    const bad = await app.inject({
      method: 'POST',
      url: ackUrl,
      headers: auth,
      payload: { comment: 'x'.repeat(501) },
    });
    expect(bad.statusCode).toBe(400);
    state.apply(
      ALERT_TOPIC,
      JSON.stringify({
        ...state.alert('air_quality/aq-beji-01/pm25-24h'),
        state: 'acknowledged',
        acknowledged_by: 'siti',
      }),
      NOW,
    );
    expect((await app.inject({ method: 'POST', url: ackUrl, headers: auth })).statusCode).toBe(409);
  });

  it('returns status, alerts (messages as JSON data, not markup) and history to a logged-in user', async () => {
    const cookie = await login();
    const status = await app.inject({ url: '/api/status', headers: { cookie } });
    expect(status.json()).toMatchObject({ summary: { stations: 1, alerts: { critical: 1 } } });
    const alerts = await app.inject({ url: '/api/alerts', headers: { cookie } });
    expect(alerts.headers['content-type']).toContain('application/json');
    expect(alerts.json().alerts[0].message).toBe(XSS);
    const history = await app.inject({
      url: '/api/stations/aq-beji-01/history?hours=24',
      headers: { cookie },
    });
    expect(history.json()).toMatchObject({ kind: 'air_quality', series: [{ field: 'pm25', unit: 'ug/m3' }] });
    expect((await app.inject({ url: '/api/stations/nope/history', headers: { cookie } })).statusCode).toBe(
      404,
    );
    expect(
      (await app.inject({ url: '/api/stations/aq-beji-01/history?hours=9999', headers: { cookie } }))
        .statusCode,
    ).toBe(400);
  });

  it('logs out: the session cookie stops working', async () => {
    const cookie = await login();
    const out = await app.inject({
      method: 'POST',
      url: '/api/logout',
      headers: { cookie, 'content-type': 'application/json' },
      payload: '{}',
    });
    expect(out.statusCode).toBe(204);
    expect((await app.inject({ url: '/api/me', headers: { cookie } })).statusCode).toBe(401);
  });
});
