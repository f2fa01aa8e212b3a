import { createHash } from 'node:crypto';
import { appendFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openRecords, type Records } from '../lib/records/database.ts';
import type { CheckReport, Generate } from '../lib/reports/run.ts';
import { seedConsoleUsers, testConsoleDeps } from '../testkit/console.ts';
import { buildApp } from './app.ts';

// Issue 16: the console's report routes through inject(): roles (viewers download, only working roles
// generate), scope on lists, downloads and requests, the checksum check, one running generation per
// user, refusals as problem+json with a catalogue code that change nothing, and the audit trail.
const PAL = 'UPTD PAL Depok';
const STATIONS = [
  { id: 'aq-beji-01', kind: 'air_quality', operator: 'DLHK Depok' },
  { id: 'ww-tapos-01', kind: 'wastewater', operator: PAL },
];
const T0 = Date.parse('2026-12-02T09:00:00+07:00');
const sha = (bytes: Uint8Array | string) => createHash('sha256').update(bytes).digest('hex');

/** Held generations: a test releases them when it wants the run to end. */
let hold: Promise<void> = Promise.resolve();
const generate: Generate = async (req, { formats, outDir, scope }) => {
  await hold;
  const stations =
    req.stations.length > 0 ? req.stations : scope.operators ? ['ww-tapos-01'] : ['aq-beji-01'];
  const files = [];
  for (const format of formats) {
    const path = join(outDir, `${req.type}-${req.period}.${format}`);
    const text = `${format};${req.type};${stations.join(',')}`;
    await writeFile(path, text);
    files.push({ format, path, bytes: text.length, sha256: sha(text) });
  }
  return { stations, files };
};

/** lib/reports/request.ts is tested on its own; here one refusal of it shows how the route answers it. */
const check: CheckReport = async (req) =>
  req.period > '2026-12-02'
    ? { key: 'report_request.period_future', params: { period: req.period } }
    : undefined;

describe('report routes', () => {
  let dir: string;
  let records: Records;
  let app: FastifyInstance;
  let bare: FastifyInstance;
  let tokens: Map<string, string>;

  const build = (withGenerator: boolean) =>
    buildApp(
      testConsoleDeps(records, STATIONS, {
        publicRead: true,
        now: () => T0,
        reportsDir: join(dir, 'reports'),
        ...(withGenerator ? { reports: { check, generate } } : {}),
      }),
    );

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'console-reports-'));
    records = openRecords(join(dir, 'records.db'));
    tokens = await seedConsoleUsers(
      records,
      [],
      [
        { name: 'ops', roles: ['operator'] },
        { name: 'vera', roles: ['viewer'] },
        { name: 'pal-ops', roles: ['operator'], operators: [PAL] },
        { name: 'pal-view', roles: ['viewer'], operators: [PAL] },
      ],
      [PAL, 'DLHK Depok'],
    );
    app = await build(true);
    bare = await build(false);
  });
  afterAll(async () => {
    await app?.close();
    await bare?.close();
    records?.close();
    await rm(dir, { recursive: true, force: true });
  });

  const auth = (name: string) => ({ authorization: `Bearer ${tokens.get(name)}` });
  const get = (name: string | undefined, url: string) => app.inject({ url, headers: name ? auth(name) : {} });
  const post = (name: string | undefined, payload: unknown, target = app) =>
    target.inject({
      method: 'POST',
      url: '/api/reports',
      headers: { ...(name ? auth(name) : {}), 'content-type': 'application/json' },
      payload: JSON.stringify(payload),
    });
  const ended = async (id: number) => {
    for (let i = 0; i < 200; i++) {
      const run = records.reportRuns.get(id);
      if (run && run.status !== 'running') return run;
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error(`run ${id} did not end`);
  };
  const snapshot = () => JSON.stringify([records.reportRuns.list(), records.audit.page({}, 1000).entries]);

  it('generates for an operator, lists the run with its checksums, and downloads it checked, audited', async () => {
    const asked = await post('ops', { type: 'ispu-daily', period: '2026-12-01', formats: ['csv', 'pdf'] });
    expect(asked.statusCode).toBe(202);
    const { run } = asked.json();
    expect(run).toMatchObject({ status: 'running', requested_by: 'ops', via: 'api', lang: 'id' });
    const done = await ended(run.id);
    expect(done).toMatchObject({ status: 'done', stations: ['aq-beji-01'] });

    const listed = await get('vera', '/api/reports');
    expect(listed.statusCode).toBe(200);
    const [shown] = listed.json().runs;
    expect(shown.files.map((f: { format: string }) => f.format)).toEqual(['csv', 'pdf']);
    expect(shown.files[0]).toMatchObject({
      name: `${run.id}-ispu-daily-2026-12-01.csv`,
      sha256: done.files[0]?.sha256,
    });

    const file = await get('vera', shown.files[0].url);
    expect(file.statusCode).toBe(200);
    expect(file.headers['content-disposition']).toBe(
      `attachment; filename="${run.id}-ispu-daily-2026-12-01.csv"`,
    );
    expect(file.headers['content-type']).toMatch(/^text\/csv/);
    expect(sha(file.rawPayload)).toBe(done.files[0]?.sha256);
    const actions = records.audit
      .page({ target: `report/${run.id}` }, 10)
      .entries.map((e) => [e.action, e.actor]);
    expect(actions).toEqual([
      ['report_downloaded', 'vera'],
      ['report_generated', 'ops'],
    ]);
  });

  it('keeps viewers and anonymous readers from generating, and anonymous readers from the list', async () => {
    const before = snapshot();
    const viewer = await post('vera', { type: 'ispu-daily', period: '2026-12-01' });
    expect(viewer.statusCode).toBe(403);
    expect(viewer.json().code).toBe('error.forbidden');
    expect((await post(undefined, { type: 'ispu-daily', period: '2026-12-01' })).statusCode).toBe(401);
    // Reads are public on this console, but report runs are not: a login is needed.
    expect((await get(undefined, '/api/reports')).statusCode).toBe(401);
    expect((await get(undefined, '/api/reports/1/files/csv')).statusCode).toBe(401);
    expect(snapshot()).toBe(before);
  });

  it('holds the scope: a scoped user neither sees, downloads nor asks for a station of another operator', async () => {
    const own = await post('pal-ops', { type: 'wastewater-monthly', period: '2026-11', formats: ['csv'] });
    expect(own.statusCode).toBe(202);
    expect(await ended(own.json().run.id)).toMatchObject({ status: 'done', stations: ['ww-tapos-01'] });
    const seen = (await get('pal-view', '/api/reports')).json().runs.map((r: { id: number }) => r.id);
    expect(seen).toEqual([own.json().run.id]);
    const before = snapshot();
    const other = await get('pal-view', '/api/reports/1/files/csv');
    expect(other.statusCode).toBe(403);
    expect(other.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(other.json().code).toBe('error.outside_scope');
    for (const stations of [['aq-beji-01'], ['aq-nowhere-99']]) {
      const refused = await post('pal-ops', { type: 'air-monthly', period: '2026-11', stations });
      expect(refused.statusCode).toBe(403);
    }
    // Unscoped, an unknown station is named as unknown.
    const unknown = await post('ops', {
      type: 'air-monthly',
      period: '2026-11',
      stations: ['aq-nowhere-99'],
    });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json()).toMatchObject({
      code: 'error.report.unknown_station',
      params: { station: 'aq-nowhere-99' },
    });
    expect(snapshot()).toBe(before);
  });

  it('refuses bad requests with a catalogue message and records nothing', async () => {
    const before = snapshot();
    for (const body of [
      { type: 'weekly', period: '2026-11' },
      { type: 'air-monthly', period: '2026-13' },
      { type: 'air-monthly', period: '2026-11', formats: ['docx'] },
      { type: 'air-monthly', period: '2026-11', formats: [] },
      { type: 'air-monthly', period: '2026-11', lang: 'fr' },
      { type: 'air-monthly', period: '2026-11', extra: 1 },
    ]) {
      const refused = await post('ops', body);
      expect(refused.statusCode, JSON.stringify(body)).toBe(400);
      expect(refused.json().code).toBe('error.report.bad_request');
    }
    const future = await post('ops', { type: 'air-monthly', period: '2027-01' });
    expect(future.statusCode).toBe(400);
    expect(future.json()).toMatchObject({
      code: 'report_request.period_future',
      params: { period: '2027-01' },
    });
    expect((await get('ops', '/api/reports/999/files/pdf')).statusCode).toBe(404);
    expect((await get('ops', '/api/reports/1/files/xlsx')).statusCode).toBe(404);
    expect((await get('ops', '/api/reports/x/files/pdf')).statusCode).toBe(404);
    expect((await get('ops', '/api/reports?limit=0')).statusCode).toBe(400);
    expect((await post('ops', { type: 'air-monthly', period: '2026-11' }, bare)).statusCode).toBe(503);
    expect(snapshot()).toBe(before);
  });

  it('allows one running generation per user (429 with Retry-After), the next once it ended', async () => {
    let release = () => {};
    hold = new Promise((resolve) => {
      release = resolve;
    });
    const first = await post('ops', { type: 'air-monthly', period: '2026-11', formats: ['csv'] });
    expect(first.statusCode).toBe(202);
    const second = await post('ops', { type: 'air-monthly', period: '2026-10', formats: ['csv'] });
    expect(second.statusCode).toBe(429);
    expect(second.headers['retry-after']).toBe('10');
    expect(second.json().code).toBe('error.report.busy');
    // Another user is not held up by ops' run.
    expect(
      (await post('pal-ops', { type: 'wastewater-monthly', period: '2026-10', formats: ['csv'] })).statusCode,
    ).toBe(202);
    release();
    await ended(first.json().run.id);
    hold = Promise.resolve();
    const third = await post('ops', { type: 'air-monthly', period: '2026-10', formats: ['csv'] });
    expect(third.statusCode).toBe(202);
    await ended(third.json().run.id);
  });

  it('refuses to send a file that no longer matches its checksum', async () => {
    const run = records.reportRuns.get(1);
    const csv = run?.files.find((f) => f.format === 'csv');
    if (!csv) throw new Error('run 1 has no csv');
    await appendFile(join(dir, 'reports', csv.path), 'tampered');
    const refused = await get('ops', '/api/reports/1/files/csv');
    expect(refused.statusCode).toBe(409);
    expect(refused.json()).toMatchObject({ code: 'error.report.checksum', params: { file: csv.path } });
    expect(records.audit.page({ target: 'report/1' }, 1).entries[0]?.after).toEqual({
      format: 'csv',
      refused: 'checksum',
    });
  });

  it('shows the e-mail delivery of a scheduled run, and a pruned run without links, its download 410', async () => {
    const id = records.reportRuns.start({
      type: 'ispu-daily',
      period: '2026-12-01',
      stations: [],
      lang: 'id',
      formats: ['csv'],
      requested_by: 'schedule',
      via: 'schedule',
      started_at: T0,
    });
    const csv = { format: 'csv', path: `2026/${id}-ispu.csv`, bytes: 3, sha256: sha('csv') };
    records.reportRuns.done(id, T0, ['aq-beji-01'], [csv]);
    records.reportMail.queue(id, ['kepala@dlhk.local'], T0);
    records.reportMail.retry(id, T0, 2, 'mail server refused or failed (EMESSAGE 451)', T0 + 300_000);
    const shown = async (): Promise<Record<string, unknown> | undefined> =>
      (await get('vera', '/api/reports')).json().runs.find((r: { id: number }) => r.id === id);
    expect((await shown())?.mail).toEqual({ status: 'pending', attempts: 2, next_attempt_at: T0 + 300_000 });
    expect(JSON.stringify(await shown())).not.toContain('kepala@dlhk.local');
    records.reportMail.sent(id, T0, 3);
    expect(records.reportRuns.markPruned(id, T0)).toBe(true);
    expect(await shown()).toMatchObject({
      pruned_at: T0,
      mail: { status: 'sent', attempts: 3, next_attempt_at: null },
      files: [{ format: 'csv', sha256: csv.sha256, url: null }],
    });
    const before = snapshot();
    const gone = await get('vera', `/api/reports/${id}/files/csv`);
    expect(gone.statusCode).toBe(410);
    expect(gone.json()).toMatchObject({ code: 'error.report.pruned', params: { file: csv.path } });
    expect(snapshot()).toBe(before);
    // Scope is checked before "gone": a user outside it learns nothing of the run.
    expect((await get('pal-view', `/api/reports/${id}/files/csv`)).statusCode).toBe(403);
  });
});
