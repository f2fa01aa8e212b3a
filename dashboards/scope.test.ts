import { mkdtemp, rm } from 'node:fs/promises';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../lib/log.ts';
import { waitFor } from '../lib/process/ports.ts';
import { openRecords, type Records } from '../lib/records/database.ts';
import { seedConsoleUsers } from '../testkit/console.ts';
import { buildApp } from './app.ts';
import { SessionStore } from './auth/sessions.ts';
import { UserDirectory } from './auth/users.ts';
import { LiveState } from './core/live-state.ts';
import type { AckMessage } from './http/api-routes.ts';
import { EventHub } from './http/events.ts';
import { createConsoleMetrics } from './metrics.ts';

// Issue 14: roles and scope, enforced by the server in every route and per live stream. In process:
// fastify inject() for the routes, a real listener for the stream.
const PDAM = 'PDAM Tirta Asasta';
const STATIONS = [
  { id: 'wn-pancoran-01', kind: 'water_network', operator: PDAM },
  { id: 'ww-tapos-01', kind: 'wastewater', operator: 'UPTD PAL Depok' },
  { id: 'aq-beji-01', kind: 'air_quality', operator: 'DLHK Depok' },
];
const RULES: Record<string, string> = {
  water_network: 'pressure-low',
  wastewater: 'bod-limit',
  air_quality: 'pm25-24h',
};
const PASSWORD = 'a long enough password';
const NOW = Date.now();
const alertTopic = (s: (typeof STATIONS)[number]) => `alerts/${s.kind}/${s.id}/${RULES[s.kind]}`;
const alertBody = (s: (typeof STATIONS)[number]) =>
  JSON.stringify({
    id: 'x',
    kind: s.kind,
    station: s.id,
    rule: RULES[s.kind],
    state: 'raised',
    severity: 'warning',
    message: 'over the limit',
    raised_at: NOW,
  });

describe('roles and scope (inject, and a live stream in process)', () => {
  let dir: string;
  let records: Records;
  let app: FastifyInstance;
  let base: string;
  let wallToken: string;
  const hub = new EventHub();
  const state = new LiveState(STATIONS);
  const acks: { topic: string; message: AckMessage }[] = [];
  const cookies = new Map<string, string>();

  beforeAll(async () => {
    for (const s of STATIONS) state.apply(alertTopic(s), alertBody(s), NOW);
    dir = await mkdtemp(join(tmpdir(), 'console-scope-'));
    records = openRecords(join(dir, 'records.db'));
    const tokens = await seedConsoleUsers(
      records,
      [
        { username: 'pdam', password: PASSWORD, roles: ['operator'], operators: [PDAM] },
        { username: 'vera', password: PASSWORD, roles: ['viewer'] },
        { username: 'ops', password: PASSWORD, roles: ['operator'] },
        { username: 'ipal', password: PASSWORD, roles: ['viewer'], kinds: ['wastewater'] },
      ],
      [{ name: 'pdam-wall', roles: ['viewer'], operators: [PDAM] }],
      [PDAM],
    );
    wallToken = tokens.get('pdam-wall') ?? '';
    app = await buildApp({
      state,
      hub,
      records,
      users: new UserDirectory(records),
      sessions: new SessionStore(60_000),
      metrics: createConsoleMetrics(),
      history: async () => [
        { field: 'pressure', unit: 'bar', description: 'Gauge pressure', points: [[NOW, 2]] },
      ],
      ack: async (topic, message) => {
        acks.push({ topic, message });
      },
      isConnected: () => true,
      publicRead: false,
      secureCookie: false,
      sessionTtlMs: 60_000,
      maxSseClients: 10,
      maxSsePerPrincipal: 4,
      trustProxy: false,
      log: silentLogger(),
    });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const address = app.server.address();
    base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    for (const username of ['pdam', 'vera', 'ops', 'ipal']) {
      const res = await app.inject({
        method: 'POST',
        url: '/api/login',
        payload: { username, password: PASSWORD },
      });
      expect(res.statusCode).toBe(200);
      cookies.set(username, String(res.headers['set-cookie']).split(';')[0] ?? '');
    }
  });
  afterAll(async () => {
    await app?.close();
    records?.close();
    await rm(dir, { recursive: true, force: true });
  });

  const as = (user: string) => ({ cookie: cookies.get(user) ?? '' });
  const getAs = (user: string, url: string) => app.inject({ url, headers: as(user) });
  const ack = (headers: Record<string, string>, s: (typeof STATIONS)[number]) =>
    app.inject({
      method: 'POST',
      url: `/api/${alertTopic(s)}/ack`,
      headers: { 'content-type': 'application/json', ...headers },
      payload: '{}',
    });
  const ids = (list: { id: string }[]) => list.map((x) => x.id).sort();
  const [wn, ww, aq] = STATIONS as [(typeof STATIONS)[0], (typeof STATIONS)[1], (typeof STATIONS)[2]];

  it('shows a user scoped to one operator only that operator’s stations and alerts in /api/status and /api/alerts', async () => {
    const pdam = (await getAs('pdam', '/api/status')).json();
    expect(ids(pdam.stations)).toEqual([wn.id]);
    expect(pdam.summary).toMatchObject({ stations: 1, alerts: { warning: 1, critical: 0 } });
    const alerts = (await getAs('pdam', '/api/alerts')).json().alerts;
    expect(alerts.map((a: { station: string }) => a.station)).toEqual([wn.id]);
    // By kind, and unscoped.
    expect(ids((await getAs('ipal', '/api/status')).json().stations)).toEqual([ww.id]);
    expect(ids((await getAs('vera', '/api/status')).json().stations)).toEqual(ids(STATIONS));
    const token = await app.inject({ url: '/api/status', headers: { authorization: `Bearer ${wallToken}` } });
    expect(ids(token.json().stations)).toEqual([wn.id]);
  });

  it('answers 403 for station detail and history outside the scope, 404 for unknown stations', async () => {
    expect((await getAs('pdam', `/api/stations/${wn.id}`)).statusCode).toBe(200);
    expect((await getAs('pdam', `/api/stations/${wn.id}/history?hours=24`)).json()).toMatchObject({
      station: wn.id,
    });
    for (const other of [ww, aq]) {
      const detail = await getAs('pdam', `/api/stations/${other.id}`);
      expect(detail.statusCode).toBe(403);
      expect(detail.json()).toEqual({
        error: 'this station is outside your scope',
        code: 'error.outside_scope',
      });
      expect((await getAs('pdam', `/api/stations/${other.id}/history?hours=24`)).statusCode).toBe(403);
    }
    expect((await getAs('pdam', '/api/stations/nope-01')).statusCode).toBe(404);
    expect((await getAs('vera', `/api/stations/${ww.id}`)).statusCode).toBe(200);
  });

  it('lets operators acknowledge in their scope only, and viewers nothing', async () => {
    const out = await ack(as('pdam'), ww);
    expect(out.statusCode).toBe(403);
    expect(out.json().error).toMatch(/outside your scope/);
    const viewer = await ack(as('vera'), aq);
    expect(viewer.statusCode).toBe(403);
    expect(viewer.json().error).toMatch(/roles do not allow this/);
    expect((await ack({ authorization: `Bearer ${wallToken}` }, wn)).statusCode).toBe(403);
    expect(acks).toEqual([]);
    expect((await ack(as('pdam'), wn)).statusCode).toBe(202);
    expect((await ack(as('ops'), ww)).statusCode).toBe(202);
    expect(acks.map((a) => [a.topic, a.message.by])).toEqual([
      [`${alertTopic(wn)}/ack`, 'pdam'],
      [`${alertTopic(ww)}/ack`, 'ops'],
    ]);
    // Counted: 4 refusals of detail and history above, 1 ack here; 2 acks refused by role.
    const metrics = (await app.inject('/metrics')).body;
    expect(metrics).toContain('console_forbidden_total{permission="scope"} 5');
    expect(metrics).toContain('console_forbidden_total{permission="acknowledge"} 2');
  });

  it('never writes an out-of-scope station’s event to a scoped live stream', async () => {
    const frames: { event: string; data: string }[] = [];
    const req = get(`${base}/api/events`, { headers: as('pdam') }, (res) => {
      res.setEncoding('utf8');
      let buffer = '';
      res.on('data', (chunk: string) => {
        buffer += chunk;
        for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
          const frame = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event = /^event: (\w+)$/m.exec(frame)?.[1];
          const data = /^data: (.*)$/m.exec(frame)?.[1];
          if (event && data) frames.push({ event, data });
        }
      });
    });
    try {
      await waitFor(() => frames.some((f) => f.event === 'snapshot'), 2_000, 'the snapshot');
      const snapshot = JSON.parse(frames[0]?.data ?? '{}');
      expect(ids(snapshot.stations)).toEqual([wn.id]);
      expect(snapshot.alerts.map((a: { station: string }) => a.station)).toEqual([wn.id]);
      // Every kind of change, for every station; then a marker for the scoped station, so we know
      // everything before it was processed.
      for (const s of STATIONS) {
        const reading = JSON.stringify({ kind: s.kind, station: s.id, ts: Date.now(), values: {} });
        const changes = [
          state.apply(`readings/${s.kind}/${s.id}`, reading, Date.now()),
          state.apply(alertTopic(s), alertBody(s), Date.now()),
          state.apply(alertTopic(s), '', Date.now()),
          state.apply(`sensors/${s.kind}/${s.id}/status`, 'online', Date.now()),
        ];
        for (const change of changes) if (change) hub.publish(change);
      }
      const ispu = state.apply(
        'readings/ispu/aq-beji-01',
        JSON.stringify({ station: aq.id, ts: Date.now(), ispu: 80, category: 'Sedang' }),
        Date.now(),
      );
      if (ispu) hub.publish(ispu);
      const marker = state.apply(`sensors/${wn.kind}/${wn.id}/status`, 'offline', Date.now());
      if (marker) hub.publish(marker);
      await waitFor(() => frames.some((f) => f.data.includes('"offline"')), 2_000, 'the marker event');
      const live = frames.slice(1);
      expect(live.map((f) => f.event).sort()).toEqual([
        'alert',
        'alert_removed',
        'station',
        'station',
        'station',
      ]);
      for (const f of live) {
        expect(f.data).toContain(wn.id);
        expect(f.data).not.toMatch(/ww-tapos-01|aq-beji-01/);
      }
    } finally {
      req.destroy();
    }
  });
});
