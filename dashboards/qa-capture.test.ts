import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openRecords, type Records } from '../lib/records/database.ts';
import { seedConsoleUsers, testConsoleDeps } from '../testkit/console.ts';
import { buildApp } from './app.ts';
import type { PointSource } from './qa/influx-points.ts';

// Issue 15: GET /api/stations/:id/capture through inject(): expected, received, valid, excluded and
// capture % per field and WIB day, from the stored values with their codes, the station's windows and
// the validators' decisions; roles, scope and bad input. InfluxDB is an in-memory list.
const PDAM = 'PDAM Tirta Asasta';
const STATIONS = [
  { id: 'ww-tapos-01', kind: 'wastewater', operator: 'UPTD PAL Depok' },
  { id: 'wn-pancoran-01', kind: 'water_network', operator: PDAM },
];
const H = 3_600_000;
const DAY = 24 * H;
const STEP = 300_000; // the wastewater kind's interval: 288 readings a day
const T0 = Date.parse('2026-12-01T00:00:00+07:00');

/**
 * ww-tapos-01 `ph`: day 1 loses every fifth reading (57 of 288) and has 10 spikes (code 14); day 2 has
 * every reading, a 2 h maintenance window (24 readings) and an hour a validator invalidates (12).
 */
const STORED: { t: number; ph: number; code: number | null }[] = [];
for (let i = 0; i < 576; i++) {
  if (i < 288 && i % 5 === 4) continue;
  STORED.push({
    t: T0 + i * STEP,
    ph: 7 + (i % 3) / 10,
    code: i < 100 && i % 10 === 0 ? 14 : i < 50 ? null : 0,
  });
}
const points: PointSource = {
  async count(_kind, station, fields, from, to) {
    const n = station === 'ww-tapos-01' ? STORED.filter((p) => p.t >= from && p.t < to).length : 0;
    return new Map(fields.map((f) => [f, f === 'ph' ? n : 0]));
  },
  async read() {
    return { rows: [], truncated: false };
  },
  async codes(_kind, station, fields, from, to, limit) {
    const inRange = station === 'ww-tapos-01' ? STORED.filter((p) => p.t >= from && p.t < to) : [];
    const series = new Map(
      fields.map((f) => [
        f,
        f === 'ph'
          ? inRange.slice(0, limit).map((p) => [p.t, p.ph, p.code] as [number, number, number | null])
          : [],
      ]),
    );
    return { series, truncated: inRange.length >= limit };
  },
};

describe('data capture API', () => {
  let dir: string;
  let records: Records;
  let app: FastifyInstance;
  let tokens: Map<string, string>;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'console-capture-'));
    records = openRecords(join(dir, 'records.db'));
    tokens = await seedConsoleUsers(
      records,
      [],
      [
        { name: 'ops', roles: ['operator'] },
        { name: 'vali', roles: ['validator'] },
        { name: 'vera', roles: ['viewer'] },
        { name: 'pdam-ops', roles: ['operator'], operators: [PDAM] },
      ],
      [PDAM],
    );
    app = await buildApp(
      testConsoleDeps(records, STATIONS, {
        points,
        now: () => T0 + 3 * DAY,
      }),
    );
    const headers = (name: string) => ({
      authorization: `Bearer ${tokens.get(name)}`,
      'content-type': 'application/json',
    });
    const window = await app.inject({
      method: 'POST',
      url: '/api/maintenance',
      headers: headers('ops'),
      payload: JSON.stringify({
        station: 'ww-tapos-01',
        type: 'calibration',
        start: '2026-12-02T09:00',
        end: '2026-12-02T11:00',
        who: 'Sari',
      }),
    });
    expect(window.statusCode).toBe(201);
    const decision = await app.inject({
      method: 'POST',
      url: '/api/validations',
      headers: headers('vali'),
      payload: JSON.stringify({
        station: 'ww-tapos-01',
        fields: ['ph'],
        from: '2026-12-02T14:00',
        to: '2026-12-02T15:00',
        decision: 'invalid',
        reason: 'probe fouled',
      }),
    });
    expect(decision.statusCode).toBe(201);
  });
  afterAll(async () => {
    await app?.close();
    records?.close();
    await rm(dir, { recursive: true, force: true });
  });

  const get = (name: string | undefined, url: string) =>
    app.inject({ url, headers: name ? { authorization: `Bearer ${tokens.get(name)}` } : {} });
  const range = 'from=2026-12-01&to=2026-12-03';

  it('answers each WIB day: dropouts and flags lower it, windows leave the denominator, invalidated hours count no more', async () => {
    const res = await get('vera', `/api/stations/ww-tapos-01/capture?${range}&fields=ph`);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ station: 'ww-tapos-01', kind: 'wastewater', period: 'day', intervalS: 300 });
    expect(body.fields.map((f: { field: string }) => f.field)).toEqual(['ph']);
    expect(body.fields[0].rows).toEqual([
      {
        start: '2026-11-30T17:00:00.000Z',
        end: '2026-12-01T17:00:00.000Z',
        expected: 288,
        received: 231,
        valid: 221,
        excluded: 0,
        capture: 76.7,
        sufficient: true,
      },
      {
        start: '2026-12-01T17:00:00.000Z',
        end: '2026-12-02T17:00:00.000Z',
        expected: 288,
        received: 288,
        valid: 252,
        excluded: 24,
        capture: 95.5,
        sufficient: true,
      },
    ]);
  });

  it('answers per hour and per month, every field of the kind by default', async () => {
    const hours = (await get('vera', `/api/stations/ww-tapos-01/capture?${range}&period=hour`)).json();
    const ph = hours.fields.find((f: { field: string }) => f.field === 'ph');
    expect(ph.rows).toHaveLength(48);
    expect(ph.rows[0]).toMatchObject({
      expected: 12,
      received: 10,
      valid: 8,
      capture: 66.7,
      sufficient: false,
    });
    // 09:00-10:00 WIB on day 2: inside the calibration, nothing expected, capture null.
    expect(ph.rows[24 + 9]).toMatchObject({
      expected: 12,
      excluded: 12,
      valid: 0,
      capture: null,
      sufficient: false,
    });
    expect(hours.fields.find((f: { field: string }) => f.field === 'bod').rows[0]).toMatchObject({
      received: 0,
      capture: 0,
    });
    const month = (
      await get(
        'vera',
        '/api/stations/ww-tapos-01/capture?from=2026-12-01&to=2027-01-01&period=month&fields=ph',
      )
    ).json();
    expect(month.fields[0].rows).toHaveLength(1);
    expect(month.fields[0].rows[0]).toMatchObject({
      expected: 31 * 288,
      received: 519,
      valid: 473,
      excluded: 24,
    });
  });

  it('holds roles and scope: anonymous 401, out of scope 403 as for an unknown station', async () => {
    expect((await get(undefined, `/api/stations/ww-tapos-01/capture?${range}`)).statusCode).toBe(401);
    const outside = await get('pdam-ops', `/api/stations/ww-tapos-01/capture?${range}`);
    expect(outside.statusCode).toBe(403);
    expect(outside.json().code).toBe('error.qa.station_outside_scope');
    expect((await get('pdam-ops', `/api/stations/aq-nowhere-01/capture?${range}`)).statusCode).toBe(403);
    expect((await get('pdam-ops', `/api/stations/wn-pancoran-01/capture?${range}`)).statusCode).toBe(200);
  });

  it('refuses bad input with a clear error', async () => {
    const cases: [string, number, string, RegExp][] = [
      ['ww-tapos-01?from=2026-12-03&to=2026-12-01', 400, 'error.qa.to_after_from', /after/],
      ['ww-tapos-01?from=2026-12-01', 400, 'error.qa.bad_input', /to/],
      ['ww-tapos-01?from=yesterday&to=2026-12-01', 400, 'error.qa.bad_time', /from/],
      [`ww-tapos-01?${range}&period=week`, 400, 'error.qa.bad_input', /period/],
      [`ww-tapos-01?${range}&fields=ph,lead`, 400, 'error.qa.unknown_field', /unknown field 'lead'/],
      ['ww-tapos-01?from=2026-11-01&to=2026-12-03&period=hour', 400, 'error.qa.capture_too_long', /31 days/],
      [`ww-tapos-01?${range}&colour=red`, 400, 'error.qa.bad_input', /colour/],
      [`aq-nowhere-01?${range}`, 404, 'error.qa.station_not_registered', /not in the registry/],
    ];
    for (const [path, status, code, problem] of cases) {
      const [station, query] = path.split('?');
      const res = await get('vera', `/api/stations/${station}/capture?${query}`);
      expect(res.statusCode, path).toBe(status);
      expect(res.json().code, path).toBe(code);
      expect(res.json().error, path).toMatch(problem);
    }
  });
});
