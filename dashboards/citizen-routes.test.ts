import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { NewCitizenReport } from '../lib/records/citizen-reports.ts';
import { openRecords, type Records } from '../lib/records/database.ts';
import { seedConsoleUsers, testConsoleDeps } from '../testkit/console.ts';
import { buildApp } from './app.ts';

// Issue 17: moderation of citizen reports through inject(): who sees the queue and the contacts, who
// moderates, the transitions, the station link within scope, and an audit row per step.
const PDAM = 'PDAM Tirta Asasta';
const STATIONS = [
  { id: 'wn-pancoran-01', kind: 'water_network', operator: PDAM },
  { id: 'ww-tapos-01', kind: 'wastewater', operator: 'UPTD PAL Depok' },
];
const T0 = Date.parse('2026-12-01T09:00:00+07:00');
const report = (over: Partial<NewCitizenReport> = {}): NewCitizenReport => ({
  category: 'no_water',
  description: 'Air PDAM mati sejak pagi <script>alert(1)</script>',
  lat: -6.3801,
  lon: 106.8402,
  contact: '0812-3456-7890',
  addressHash: 'h',
  ...over,
});

describe('console: citizen report moderation', () => {
  let dir: string;
  let records: Records;
  let app: FastifyInstance;
  let anonymousRead: FastifyInstance;
  let tokens: Map<string, string>;

  const build = (publicRead: boolean) =>
    buildApp(
      testConsoleDeps(records, STATIONS, {
        publicRead,
        now: () => T0,
      }),
    );

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'console-citizen-'));
    records = openRecords(join(dir, 'records.db'));
    tokens = await seedConsoleUsers(
      records,
      [],
      [
        { name: 'ops', roles: ['operator'] },
        { name: 'vera', roles: ['viewer'] },
        { name: 'vali', roles: ['validator'] },
        { name: 'pdam-ops', roles: ['operator'], operators: [PDAM] },
      ],
      [PDAM],
    );
    app = await build(false);
    anonymousRead = await build(true);
  });
  afterAll(async () => {
    await app?.close();
    await anonymousRead?.close();
    records?.close();
    await rm(dir, { recursive: true, force: true });
  });
  beforeEach(() => {
    records.db.exec('DELETE FROM citizen_report_events; DELETE FROM citizen_reports; DELETE FROM audit');
  });

  const auth = (name: string) => ({ authorization: `Bearer ${tokens.get(name)}` });
  const get = (name: string | undefined, url: string, target = app) =>
    target.inject({ url, headers: name ? auth(name) : {} });
  const post = (name: string, url: string, payload: unknown = {}) =>
    app.inject({
      method: 'POST',
      url,
      headers: { ...auth(name), 'content-type': 'application/json' },
      payload: JSON.stringify(payload),
    });

  it('shows the queue new first to every staff role; contacts to moderators only; never to anonymous readers', async () => {
    const a = records.citizenReports.insert(report(), T0);
    const b = records.citizenReports.insert(report({ description: 'kedua' }), T0 + 1);
    records.citizenReports.moderate(a.id, { action: 'approved', actor: 'ops' });
    const ops = await get('ops', '/api/citizen-reports');
    expect(ops.statusCode).toBe(200);
    expect(ops.json().reports.map((r: { id: number }) => r.id)).toEqual([b.id, a.id]);
    expect(ops.json()).toMatchObject({ canModerate: true });
    expect(ops.json().reports[1]).toMatchObject({
      contact: '0812-3456-7890',
      description: report().description,
    });
    for (const reader of ['vera', 'vali']) {
      const res = await get(reader, '/api/citizen-reports');
      expect(res.statusCode).toBe(200);
      expect(res.json().canModerate).toBe(false);
      expect(res.body).not.toContain('0812-3456-7890');
      expect((await get(reader, `/api/citizen-reports/${a.id}`)).body).not.toContain('0812-3456-7890');
    }
    expect((await get(undefined, '/api/citizen-reports')).statusCode).toBe(401);
    expect((await get(undefined, '/api/citizen-reports', anonymousRead)).statusCode).toBe(401);
    expect((await get(undefined, `/api/citizen-reports/${a.id}`, anonymousRead)).statusCode).toBe(401);
    expect((await get('ops', '/api/citizen-reports?status=approved')).json().reports).toHaveLength(1);
    expect((await get('ops', '/api/citizen-reports?status=bogus')).statusCode).toBe(400);
  });

  it('lets operators approve, link a station, resolve with an answer, each with its audit row (no contact in it)', async () => {
    const { id } = records.citizenReports.insert(report(), T0);
    expect((await post('ops', `/api/citizen-reports/${id}/approve`)).json().report.status).toBe('approved');
    const linked = await post('ops', `/api/citizen-reports/${id}/link`, {
      station: 'wn-pancoran-01',
      alert: 'alerts/water_network/wn-pancoran-01/low_pressure',
    });
    expect(linked.json().report).toMatchObject({
      station_id: 'wn-pancoran-01',
      alert_id: 'alerts/water_network/wn-pancoran-01/low_pressure',
    });
    const resolved = await post('ops', `/api/citizen-reports/${id}/resolve`, { answer: 'Pipa diperbaiki' });
    expect(resolved.json().report).toMatchObject({ status: 'resolved', public_answer: 'Pipa diperbaiki' });
    expect(resolved.json().history.map((e: { action: string }) => e.action)).toEqual([
      'approved',
      'linked',
      'resolved',
    ]);
    const audit = records.audit.page({ action: 'citizen_report_moderated' }, 10).entries;
    expect(audit.map((e) => [e.actor, e.target, (e.after as { step: string }).step])).toEqual([
      ['ops', `citizen-report/${id}`, 'resolved'],
      ['ops', `citizen-report/${id}`, 'linked'],
      ['ops', `citizen-report/${id}`, 'approved'],
    ]);
    expect(JSON.stringify(audit)).not.toContain('0812');
  });

  it('refuses viewers and validators, bad transitions, a rejection without reason, and changes nothing', async () => {
    const { id } = records.citizenReports.insert(report(), T0);
    const snapshot = () =>
      JSON.stringify([
        records.citizenReports.get(id),
        records.citizenReports.history(id),
        records.audit.page({}, 50),
      ]);
    const before = snapshot();
    expect((await post('vera', `/api/citizen-reports/${id}/approve`)).statusCode).toBe(403);
    expect((await post('vali', `/api/citizen-reports/${id}/approve`)).statusCode).toBe(403);
    const noReason = await post('ops', `/api/citizen-reports/${id}/reject`, { reason: ' ' });
    expect(noReason.statusCode).toBe(400);
    expect(noReason.json()).toMatchObject({
      code: 'citizen.error.reason_required',
      error: 'A rejection needs a reason.',
    });
    const early = await post('ops', `/api/citizen-reports/${id}/resolve`, { answer: 'x' });
    expect(early.statusCode).toBe(409);
    expect((await post('ops', `/api/citizen-reports/${id}/publish`)).statusCode).toBe(404);
    expect((await post('ops', '/api/citizen-reports/999/approve')).statusCode).toBe(404);
    expect((await post('ops', `/api/citizen-reports/${id}/link`, {})).statusCode).toBe(400);
    expect((await post('ops', `/api/citizen-reports/${id}/link`, { alert: '<b>' })).statusCode).toBe(400);
    expect(snapshot()).toBe(before);
    const rejected = await post('ops', `/api/citizen-reports/${id}/reject`, { reason: 'duplikat' });
    expect(rejected.json().history[0]).toMatchObject({ action: 'rejected', note: 'duplikat' });
  });

  it('links a station only within the moderator scope, and only a registered one', async () => {
    const { id } = records.citizenReports.insert(report(), T0);
    const outside = await post('pdam-ops', `/api/citizen-reports/${id}/link`, { station: 'ww-tapos-01' });
    expect(outside.statusCode).toBe(403);
    expect(outside.json()).toMatchObject({ code: 'citizen.error.station_outside_scope' });
    expect(
      (await post('ops', `/api/citizen-reports/${id}/link`, { station: 'aq-nowhere-01' })).statusCode,
    ).toBe(404);
    expect(records.citizenReports.get(id)?.station_id).toBeNull();
    const inside = await post('pdam-ops', `/api/citizen-reports/${id}/link`, { station: 'wn-pancoran-01' });
    expect(inside.json().report.station_id).toBe('wn-pancoran-01');
  });

  it('serves the page to staff in both languages and the photo to staff only', async () => {
    const page = await app.inject({ url: '/citizen', headers: { ...auth('vera'), 'accept-language': 'en' } });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Citizen reports');
    expect((await app.inject('/citizen')).statusCode).toBe(303);
    const { id } = records.citizenReports.insert(
      report({ photo: { jpeg: new Uint8Array([0xff, 0xd8, 0xff]), width: 1, height: 1 } }),
    );
    expect((await get('vera', `/api/citizen-reports/${id}/photo`)).headers['content-type']).toBe(
      'image/jpeg',
    );
    expect((await get(undefined, `/api/citizen-reports/${id}/photo`, anonymousRead)).statusCode).toBe(401);
  });
});
