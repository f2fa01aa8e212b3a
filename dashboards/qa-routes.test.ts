import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openRecords, type Records } from '../lib/records/database.ts';
import { seedConsoleUsers, testConsoleDeps } from '../testkit/console.ts';
import { buildApp } from './app.ts';
import type { PointSource } from './qa/influx-points.ts';

// Issue 15: the maintenance, calibration, validation and data routes through inject(): roles, scope,
// bad input (refused, nothing changed), revisions and the audit trail. InfluxDB is an in-memory list.
const PDAM = 'PDAM Tirta Asasta';
const STATIONS = [
  { id: 'wn-pancoran-01', kind: 'water_network', operator: PDAM },
  { id: 'ww-tapos-01', kind: 'wastewater', operator: 'UPTD PAL Depok' },
  { id: 'aq-beji-01', kind: 'air_quality', operator: 'DLHK Depok' },
];
const H = 3_600_000;
const T0 = Date.parse('2026-12-01T00:00:00+07:00');
const PASSWORD = 'a long enough password';

/** pm25 and pm10 of aq-beji-01 every 10 min on 1 Dec (WIB), pressure of wn-pancoran-01 hourly. */
const STORED: { station: string; t: number; values: Record<string, number> }[] = [];
for (let t = T0; t < T0 + 24 * H; t += 600_000)
  STORED.push({ station: 'aq-beji-01', t, values: { pm25: 20 + (t % 7), pm10: 40 } });
for (let t = T0; t < T0 + 24 * H; t += H)
  STORED.push({ station: 'wn-pancoran-01', t, values: { pressure: 2.5 } });

const points: PointSource = {
  async count(_kind, station, fields, from, to) {
    const inRange = STORED.filter((p) => p.station === station && p.t >= from && p.t < to);
    return new Map(fields.map((f) => [f, inRange.filter((p) => p.values[f] !== undefined).length]));
  },
  async read(_kind, station, fields, from, to, limit) {
    const rows = STORED.filter((p) => p.station === station && p.t >= from && p.t < to)
      .slice(0, limit)
      .map((p) => [p.t, ...fields.map((f) => p.values[f] ?? null)] as [number, ...(number | null)[]]);
    return { rows, truncated: rows.length >= limit };
  },
  async codes() {
    return { series: new Map(), truncated: false }; // capture's own test: qa-capture.test.ts
  },
};

describe('QA routes: maintenance, calibrations, validations, data with states', () => {
  let dir: string;
  let records: Records;
  let app: FastifyInstance;
  let tokens: Map<string, string>;
  let noInflux: FastifyInstance;

  const build = (withPoints: boolean) =>
    buildApp(
      testConsoleDeps(records, STATIONS, {
        ...(withPoints ? { points } : {}),
        now: () => T0 + 48 * H,
      }),
    );

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'console-qa-'));
    records = openRecords(join(dir, 'records.db'));
    await seedConsoleUsers(records, [{ username: 'vali', password: PASSWORD, roles: ['validator'] }]);
    tokens = await seedConsoleUsers(
      records,
      [],
      [
        { name: 'ops', roles: ['operator'] },
        { name: 'vali-script', roles: ['validator'] },
        { name: 'vera', roles: ['viewer'] },
        { name: 'pdam-ops', roles: ['operator', 'validator'], operators: [PDAM] },
      ],
      [PDAM],
    );
    app = await build(true);
    noInflux = await build(false);
  });
  afterAll(async () => {
    await app?.close();
    await noInflux?.close();
    records?.close();
    await rm(dir, { recursive: true, force: true });
  });

  const auth = (name: string) => ({ authorization: `Bearer ${tokens.get(name)}` });
  const get = (name: string, url: string) => app.inject({ url, headers: auth(name) });
  const send = (name: string, method: 'POST' | 'PATCH', url: string, payload: unknown, target = app) =>
    target.inject({
      method,
      url,
      headers: { ...auth(name), 'content-type': 'application/json' },
      payload: JSON.stringify(payload),
    });
  const snapshot = () =>
    JSON.stringify([
      records.maintenance.list(),
      records.validations.list(),
      records.audit.page({}, 1000).entries,
    ]);
  const window = {
    station: 'aq-beji-01',
    type: 'maintenance',
    start: '2026-12-01T09:00',
    end: '2026-12-01T11:00',
    who: 'Budi, Sari',
    notes: 'filter change',
  };

  it('lets operators add a window (times in WIB) with its audit row; viewers and validators may not', async () => {
    const added = await send('ops', 'POST', '/api/maintenance', window);
    expect(added.statusCode).toBe(201);
    expect(added.json().window).toMatchObject({
      id: 1,
      station: 'aq-beji-01',
      kind: 'air_quality',
      fields: null,
      origin: 'planned',
      start: '2026-12-01T02:00:00.000Z',
      end: '2026-12-01T04:00:00.000Z',
      who: 'Budi, Sari',
      created_by: 'ops',
    });
    const [row] = records.audit.page({ action: 'maintenance_added' }, 10).entries;
    expect(row).toMatchObject({ actor: 'ops', via: 'token', target: 'air_quality/aq-beji-01/maintenance/1' });
    expect(row?.after).toMatchObject({ notes: 'filter change' });

    const before = snapshot();
    for (const name of ['vera', 'vali-script']) {
      const refused = await send(name, 'POST', '/api/maintenance', window);
      expect(refused.statusCode, name).toBe(403);
      expect(refused.json()).toEqual({
        error: 'your roles do not allow this (needs admin | operator)',
        code: 'error.forbidden',
        params: { roles: 'admin | operator' },
      });
    }
    expect((await app.inject({ method: 'POST', url: '/api/maintenance', payload: window })).statusCode).toBe(
      401,
    );
    expect(snapshot()).toBe(before);
  });

  it('refuses bad windows with a clear error and changes nothing', async () => {
    const before = snapshot();
    const cases: [unknown, number, RegExp][] = [
      [
        { ...window, end: '2026-12-01T08:00' },
        400,
        /ends \(2026-12-01 08:00 WIB\) before it starts \(2026-12-01 09:00 WIB\)/,
      ],
      [{ ...window, end: window.start }, 400, /ends .* when it starts/],
      [{ ...window, station: 'aq-nowhere-01' }, 404, /not in the registry/],
      [{ ...window, fields: ['pm25', 'ph'] }, 400, /unknown field 'ph' for kind air_quality/],
      [{ ...window, fields: [] }, 400, /at least one field/],
      [{ ...window, type: 'picnic' }, 400, /type/],
      [{ ...window, start: 'tomorrow' }, 400, /start: a time/],
      [{ ...window, rrule: 'FREQ=WEEKLY;BYDAY=TU' }, 400, /both rrule and duration/],
      [{ ...window, end: null, rrule: 'FREQ=WEEKLY;BYDAY=WE', duration: '2h' }, 400, /falls on TU/],
      [{ ...window, end: null, rrule: 'FREQ=HOURLY', duration: '2h' }, 400, /rrule: FREQ must be/],
      [{ ...window, colour: 'red' }, 400, /colour|Unrecognized/i],
    ];
    for (const [body, status, problem] of cases) {
      const res = await send('ops', 'POST', '/api/maintenance', body);
      expect(res.statusCode, JSON.stringify(body)).toBe(status);
      expect(res.json().error, JSON.stringify(body)).toMatch(problem);
    }
    expect(
      (
        await app.inject({
          method: 'POST',
          url: '/api/maintenance',
          headers: { ...auth('ops'), 'content-type': 'application/json' },
          payload: '{',
        })
      ).statusCode,
    ).toBe(400);
    expect(snapshot()).toBe(before);
  });

  it('keeps a scoped operator to their stations: add, list, read, edit and end', async () => {
    const mine = {
      ...window,
      station: 'wn-pancoran-01',
      type: 'instrument_failure',
      fields: ['pressure'],
      end: null,
    };
    const added = await send('pdam-ops', 'POST', '/api/maintenance', mine);
    expect(added.statusCode).toBe(201);
    const id = added.json().window.id;
    const before = snapshot();
    const other = await send('pdam-ops', 'POST', '/api/maintenance', { ...window, station: 'ww-tapos-01' });
    expect(other.statusCode).toBe(403);
    expect(other.json()).toEqual({
      error: "station 'ww-tapos-01' is outside your scope",
      code: 'error.qa.station_outside_scope',
      params: { station: 'ww-tapos-01' },
    });
    // Unknown and out of scope look alike to a scoped user.
    expect(
      (await send('pdam-ops', 'POST', '/api/maintenance', { ...window, station: 'aq-nowhere-01' }))
        .statusCode,
    ).toBe(403);
    expect((await get('pdam-ops', '/api/maintenance/1')).statusCode).toBe(403);
    expect((await send('pdam-ops', 'PATCH', '/api/maintenance/1', { notes: 'mine now' })).statusCode).toBe(
      403,
    );
    expect((await send('pdam-ops', 'POST', '/api/maintenance/1/end', {})).statusCode).toBe(403);
    expect((await get('pdam-ops', '/api/maintenance?station=aq-beji-01')).statusCode).toBe(403);
    expect(snapshot()).toBe(before);
    const listed = (await get('pdam-ops', '/api/maintenance')).json().windows;
    expect(listed.map((w: { id: number }) => w.id)).toEqual([id]);
    expect((await get('vera', '/api/maintenance')).json().windows.map((w: { id: number }) => w.id)).toEqual([
      id,
      1,
    ]);
    expect((await get('vera', '/api/maintenance/99')).statusCode).toBe(404);
  });

  it('edits and ends windows; ending twice or before the start is refused', async () => {
    const open = await send('ops', 'POST', '/api/maintenance', {
      ...window,
      start: '2026-12-02T08:00',
      end: null,
      origin: 'logged',
    });
    const id = open.json().window.id;
    const edited = await send('ops', 'PATCH', `/api/maintenance/${id}`, {
      notes: 'pump replaced',
      fields: ['pm25'],
    });
    expect(edited.json().window).toMatchObject({ notes: 'pump replaced', fields: ['pm25'], end: null });
    expect((await send('ops', 'PATCH', `/api/maintenance/${id}`, {})).json()).toEqual({
      error: 'nothing to change',
      code: 'error.qa.nothing_to_change',
    });
    expect(
      (await send('ops', 'PATCH', `/api/maintenance/${id}`, { end: '2026-12-02T07:00' })).statusCode,
    ).toBe(400);
    expect(
      (await send('ops', 'POST', `/api/maintenance/${id}/end`, { at: '2026-12-02T07:00' })).json().error,
    ).toMatch(/before it starts/);
    const ended = await send('ops', 'POST', `/api/maintenance/${id}/end`, { at: '2026-12-02T10:30' });
    expect(ended.json().window.end).toBe('2026-12-02T03:30:00.000Z');
    const again = await send('ops', 'POST', `/api/maintenance/${id}/end`, {});
    expect(again.statusCode).toBe(409);
    expect(again.json().error).toMatch(/already ended at 2026-12-02 10:30 WIB/);
    const [row] = records.audit.page({ action: 'maintenance_ended' }, 1).entries;
    expect(row).toMatchObject({ before: { end: null }, after: { end: '2026-12-02T03:30:00.000Z' } });
  });

  it('lists a recurring window with its occurrences in the asked range', async () => {
    const weekly = {
      ...window,
      start: '2026-12-01T09:00',
      end: null,
      rrule: 'FREQ=WEEKLY;BYDAY=TU',
      duration: '90m',
    };
    const added = await send('ops', 'POST', '/api/maintenance', weekly);
    expect(added.statusCode).toBe(201);
    const listed = await get('vera', '/api/maintenance?station=aq-beji-01&from=2026-12-07&to=2026-12-21');
    const recurring = listed.json().windows.find((w: { rrule: string | null }) => w.rrule);
    expect(recurring).toMatchObject({ rrule: 'FREQ=WEEKLY;BYDAY=TU', duration_ms: 90 * 60_000 });
    expect(recurring.occurrences).toEqual([
      { start: '2026-12-08T02:00:00.000Z', end: '2026-12-08T03:30:00.000Z' },
      { start: '2026-12-15T02:00:00.000Z', end: '2026-12-15T03:30:00.000Z' },
    ]);
  });

  it('logs calibrations with their results; a missing reference or reading is refused', async () => {
    const calibration = {
      station: 'aq-beji-01',
      field: 'so2',
      start: '2026-12-01T10:00',
      end: '2026-12-01T10:40',
      zero_reading: 0.4,
      span_reading: 96.8,
      span_target: 100,
      offset_applied: -0.4,
      reference: 'SO2 100 ppb, cert. 2026-117',
    };
    const added = await send('ops', 'POST', '/api/calibrations', calibration);
    expect(added.statusCode).toBe(201);
    expect(added.json().calibration).toMatchObject({
      type: 'calibration',
      origin: 'logged',
      fields: ['so2'],
    });
    const before = snapshot();
    const { reference: _, ...noReference } = calibration;
    expect((await send('ops', 'POST', '/api/calibrations', noReference)).statusCode).toBe(400);
    const { zero_reading: _z, span_reading: _s, ...noReading } = calibration;
    expect((await send('ops', 'POST', '/api/calibrations', noReading)).json().error).toMatch(
      /zero or the span/,
    );
    expect((await send('ops', 'POST', '/api/calibrations', { ...calibration, field: 'ph' })).statusCode).toBe(
      400,
    );
    expect((await send('vera', 'POST', '/api/calibrations', calibration)).statusCode).toBe(403);
    expect(snapshot()).toBe(before);
    const log = (await get('vera', '/api/calibrations')).json().calibrations;
    expect(log).toHaveLength(1);
    expect(log[0].calibration).toMatchObject({
      field: 'so2',
      zero_reading: 0.4,
      reference: 'SO2 100 ppb, cert. 2026-117',
    });
  });

  it('lets validators decide on ranges with data; a revision supersedes and the audit keeps the previous state', async () => {
    const decision = {
      station: 'aq-beji-01',
      fields: ['pm25', 'pm10'],
      from: '2026-12-01T00:00',
      to: '2026-12-02T00:00',
      decision: 'valid',
    };
    const first = await send('vali-script', 'POST', '/api/validations', decision);
    expect(first.statusCode).toBe(201);
    expect(first.json().validation).toMatchObject({
      id: 1,
      points: 288,
      decided_by: 'vali-script',
      reason: null,
    });

    const login = await app.inject({
      method: 'POST',
      url: '/api/login',
      payload: { username: 'vali', password: PASSWORD },
    });
    const cookie = String(login.headers['set-cookie']).split(';')[0] ?? '';
    const revision = await app.inject({
      method: 'POST',
      url: '/api/validations',
      headers: { cookie, 'content-type': 'application/json' },
      payload: JSON.stringify({
        ...decision,
        fields: ['pm25'],
        from: '2026-12-01T06:00',
        to: '2026-12-01T09:00',
        decision: 'invalid',
        reason: 'inlet blocked',
      }),
    });
    expect(revision.statusCode).toBe(201);
    const [row] = records.audit.page({ action: 'data_validated' }, 1).entries;
    expect(row).toMatchObject({
      actor: 'vali',
      via: 'session',
      target: 'air_quality/aq-beji-01/validation/2',
    });
    expect(row?.before).toEqual({
      pm25: [
        {
          from: '2026-11-30T23:00:00.000Z',
          to: '2026-12-01T02:00:00.000Z',
          state: 'validated',
          decision: 1,
          by: 'vali-script',
          at: new Date(T0 + 48 * H).toISOString(),
        },
      ],
    });
    expect(row?.after).toMatchObject({ decision: 'invalid', reason: 'inlet blocked', points: 18 });

    const data = await get(
      'vera',
      '/api/stations/aq-beji-01/data?state=raw&from=2026-12-01T05:00&to=2026-12-01T10:00&fields=pm25,pm10',
    );
    expect(data.statusCode).toBe(200);
    const [pm25, pm10] = data.json().series;
    // The states in time order, consecutive repeats folded.
    const states = (s: { points: { state: string }[] }) =>
      s.points.map((p) => p.state).filter((state, i, all) => state !== all[i - 1]);
    expect(states(pm25)).toEqual(['validated', 'invalid', 'validated']);
    expect(pm25.points.find((p: { state: string }) => p.state === 'invalid')).toMatchObject({
      reason: 'inlet blocked',
      decision: 2,
    });
    expect(states(pm10)).toEqual(['validated']);
    const validated = await get(
      'vera',
      '/api/stations/aq-beji-01/data?state=validated&from=2026-12-01T05:00&to=2026-12-01T10:00&fields=pm25',
    );
    expect(validated.json().series[0].points).toHaveLength(30 - 18);
    const provisional = await get(
      'vera',
      '/api/stations/aq-beji-01/data?state=provisional&from=2026-12-01T23:00&to=2026-12-02T01:00&fields=pm25',
    );
    expect(provisional.json().series[0].points).toHaveLength(0);
    const listed = (await get('vera', '/api/validations?station=aq-beji-01&field=pm25')).json().validations;
    expect(listed.map((d: { id: number }) => d.id)).toEqual([2, 1]);
  });

  it('refuses decisions by non-validators, on ranges with no data, and other bad input; nothing changes', async () => {
    const decision = {
      station: 'aq-beji-01',
      fields: ['pm25'],
      from: '2026-12-01T00:00',
      to: '2026-12-01T06:00',
      decision: 'valid',
    };
    const before = snapshot();
    for (const name of ['ops', 'vera']) {
      const refused = await send(name, 'POST', '/api/validations', decision);
      expect(refused.statusCode, name).toBe(403);
      expect(refused.json()).toEqual({
        error: 'your roles do not allow this (needs admin | validator)',
        code: 'error.forbidden',
        params: { roles: 'admin | validator' },
      });
    }
    const cases: [unknown, number, RegExp][] = [
      [
        { ...decision, from: '2026-12-03T00:00', to: '2026-12-04T00:00' },
        400,
        /no data to decide on: pm25 of aq-beji-01 has no values from 2026-12-03 00:00 WIB/,
      ],
      [{ ...decision, fields: ['pm25', 'so2'] }, 400, /so2 of aq-beji-01 has no values/],
      [{ ...decision, decision: 'invalid' }, 400, /reason: an invalid decision needs a reason/],
      [{ ...decision, to: '2026-11-30T00:00' }, 400, /ends .* before it starts/],
      [{ ...decision, station: 'aq-nowhere-01' }, 404, /not in the registry/],
      [{ ...decision, fields: ['ph'] }, 400, /unknown field 'ph'/],
      [{ ...decision, decision: 'maybe' }, 400, /decision/],
    ];
    for (const [body, status, problem] of cases) {
      const res = await send('vali-script', 'POST', '/api/validations', body);
      expect(res.statusCode, JSON.stringify(body)).toBe(status);
      expect(res.json().error, JSON.stringify(body)).toMatch(problem);
    }
    const scoped = await send('pdam-ops', 'POST', '/api/validations', decision);
    expect(scoped.statusCode).toBe(403);
    const unavailable = await send('vali-script', 'POST', '/api/validations', decision, noInflux);
    expect(unavailable.statusCode).toBe(503);
    expect(snapshot()).toBe(before);
    const own = await send('pdam-ops', 'POST', '/api/validations', {
      ...decision,
      station: 'wn-pancoran-01',
      fields: ['pressure'],
    });
    expect(own.statusCode).toBe(201);
  });

  it('answers the data view with windows, and 400/403/404 for bad queries', async () => {
    const data = await get(
      'vera',
      '/api/stations/aq-beji-01/data?from=2026-12-01T08:00&to=2026-12-01T12:00&fields=so2,pm25',
    );
    expect(data.statusCode).toBe(200);
    expect(data.json()).toMatchObject({ station: 'aq-beji-01', state: 'raw', truncated: false });
    expect(data.json().windows.map((w: { type: string }) => w.type)).toEqual([
      'maintenance',
      'maintenance',
      'calibration',
    ]);
    const bad: [string, string, number][] = [
      ['vera', '/api/stations/aq-beji-01/data?from=2026-12-01&to=2026-12-01', 400],
      ['vera', '/api/stations/aq-beji-01/data?state=official&from=2026-12-01&to=2026-12-02', 400],
      ['vera', '/api/stations/aq-beji-01/data?from=2026-12-01&to=2026-12-02&fields=ph', 400],
      ['vera', '/api/stations/aq-beji-01/data?from=2026-01-01&to=2026-12-02', 400],
      ['vera', '/api/stations/aq-beji-01/data', 400],
      ['vera', '/api/stations/aq-nowhere-01/data?from=2026-12-01&to=2026-12-02', 404],
      ['pdam-ops', '/api/stations/aq-beji-01/data?from=2026-12-01&to=2026-12-02', 403],
    ];
    for (const [name, url, status] of bad) expect((await get(name, url)).statusCode, url).toBe(status);
    expect((await app.inject('/api/stations/aq-beji-01/data?from=2026-12-01&to=2026-12-02')).statusCode).toBe(
      401,
    );
  });
});
