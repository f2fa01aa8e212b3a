import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openRecords, type Records } from '../lib/records/database.ts';
import { seedConsoleUsers, testConsoleDeps } from '../testkit/console.ts';
import { influxQuery, type LocalInfluxd, startLocalInfluxd } from '../testkit/influxd.ts';
import { makeRegistry } from '../testkit/pipeline.ts';
import { buildApp } from './app.ts';
import { createPointSource } from './qa/influx-points.ts';

// Issue 15 with a real influxd: a decision on a range without data is refused (nothing recorded), and
// a validator's decision shows in the station's data (state validated) and in the audit trail; the
// raw points in InfluxDB stay as they were. The qa CLI reaches the same InfluxDB with the console's
// INFLUX_* settings.
const CLI = join(import.meta.dirname, 'qa-cli.ts');
const DB = 'environment';
const H = 3_600_000;
const T0 = Date.parse('2026-12-01T00:00:00+07:00');
const STATION = { id: 'aq-beji-01', kind: 'air_quality', operator: 'DLHK Depok' };
const PASSWORD = 'a long enough password';

describe('validation against a real InfluxDB', () => {
  let influx: LocalInfluxd;
  let dir: string;
  let records: Records;
  let app: FastifyInstance;
  let registry: Awaited<ReturnType<typeof makeRegistry>>;
  let tokens: Map<string, string>;

  const rawPoints = async () =>
    (
      await influxQuery(
        influx.url,
        `SELECT "pm25", "pm10" FROM "air_quality" WHERE "station" = 'aq-beji-01'`,
        DB,
      )
    ).results[0]?.series?.[0]?.values;

  beforeAll(async () => {
    influx = await startLocalInfluxd();
    await influxQuery(influx.url, `CREATE DATABASE "${DB}"`);
    // pm25 every 5 minutes from 06:00 to 12:00 WIB on 1 December, pm10 hourly; another station too.
    const lines: string[] = [];
    for (let t = T0 + 6 * H; t < T0 + 12 * H; t += 300_000) {
      const pm10 = (t - T0) % H === 0 ? `,pm10=${40 + (t % 3)}` : '';
      lines.push(`air_quality,station=aq-beji-01 pm25=${20 + ((t / 300_000) % 5)}${pm10} ${t}`);
      lines.push(`air_quality,station=aq-other-01 pm25=99 ${t}`);
    }
    const res = await fetch(`${influx.url}/write?db=${DB}&precision=ms`, {
      method: 'POST',
      body: lines.join('\n'),
    });
    expect(res.status).toBe(204);

    dir = await mkdtemp(join(tmpdir(), 'qa-influx-'));
    records = openRecords(join(dir, 'records.db'));
    tokens = await seedConsoleUsers(
      records,
      [{ username: 'vali', password: PASSWORD, roles: ['validator'] }],
      [
        { name: 'vali-script', roles: ['validator'] },
        { name: 'ops', roles: ['operator'] },
      ],
    );
    registry = await makeRegistry([STATION]);
    app = await buildApp(
      testConsoleDeps(records, [STATION], {
        points: createPointSource({ url: influx.url, database: DB, timeoutMs: 5_000 }),
      }),
    );
  });
  afterAll(async () => {
    await app?.close();
    records?.close();
    await influx?.stop();
    await registry?.cleanup();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const decide = (name: string, body: unknown) =>
    app.inject({
      method: 'POST',
      url: '/api/validations',
      headers: { authorization: `Bearer ${tokens.get(name)}`, 'content-type': 'application/json' },
      payload: JSON.stringify(body),
    });
  const data = (query: string) =>
    app.inject({
      url: `/api/stations/aq-beji-01/data?${query}`,
      headers: { authorization: `Bearer ${tokens.get('ops')}` },
    });
  const stored = () => JSON.stringify([records.validations.list(), records.audit.page({}, 1000).entries]);

  it('refuses a decision on a range with no data, and one by a non-validator; nothing is recorded', async () => {
    const before = stored();
    // The station has data, but not on 2 December; the other station's data does not count.
    const empty = await decide('vali-script', {
      station: 'aq-beji-01',
      fields: ['pm25'],
      from: '2026-12-02T06:00',
      to: '2026-12-02T12:00',
      decision: 'valid',
    });
    expect(empty.statusCode).toBe(400);
    expect(empty.json().error).toBe(
      'no data to decide on: pm25 of aq-beji-01 has no values from 2026-12-02 06:00 WIB to 2026-12-02 12:00 WIB',
    );
    // Half-open range: the first value is at 06:00, so [05:00, 06:00) holds none.
    const edge = await decide('vali-script', {
      station: 'aq-beji-01',
      fields: ['pm25'],
      from: '2026-12-01T05:00',
      to: '2026-12-01T06:00',
      decision: 'valid',
    });
    expect(edge.statusCode).toBe(400);
    const notValidator = await decide('ops', {
      station: 'aq-beji-01',
      fields: ['pm25'],
      from: '2026-12-01T06:00',
      to: '2026-12-01T12:00',
      decision: 'valid',
    });
    expect(notValidator.statusCode).toBe(403);
    expect(stored()).toBe(before);
  });

  it("shows a validator's decision in the data (validated) and in the audit trail; raw values untouched", async () => {
    const raw = await rawPoints();
    expect(raw).toHaveLength(72);
    const ok = await decide('vali-script', {
      station: 'aq-beji-01',
      fields: ['pm25', 'pm10'],
      from: '2026-12-01T06:00',
      to: '2026-12-01T09:00',
      decision: 'valid',
    });
    expect(ok.statusCode).toBe(201);
    // 36 pm25 values (every 5 min for 3 h) and 3 pm10 values, counted in InfluxDB.
    expect(ok.json().validation).toMatchObject({ points: 39, decided_by: 'vali-script' });

    const validated = await data('state=validated&from=2026-12-01T06:00&to=2026-12-01T12:00');
    expect(validated.statusCode).toBe(200);
    const series = Object.fromEntries(
      validated.json().series.map((s: { field: string; points: unknown[] }) => [s.field, s.points]),
    );
    expect(series.pm25).toHaveLength(36);
    expect(series.pm10).toHaveLength(3);
    expect(series.pm25[0]).toMatchObject({ t: T0 + 6 * H, state: 'validated', decision: 1 });
    const provisional = await data('state=provisional&from=2026-12-01T06:00&to=2026-12-01T12:00&fields=pm25');
    expect(provisional.json().series[0].points).toHaveLength(36);
    expect(provisional.json().series[0].points[0]).toMatchObject({ t: T0 + 9 * H, state: 'provisional' });

    const [row] = records.audit.page({ action: 'data_validated' }, 1).entries;
    expect(row).toMatchObject({
      actor: 'vali-script',
      via: 'token',
      target: 'air_quality/aq-beji-01/validation/1',
      after: { decision: 'valid', fields: ['pm25', 'pm10'], points: 39 },
    });
    expect(row?.before).toMatchObject({ pm25: [{ state: 'provisional' }], pm10: [{ state: 'provisional' }] });
    expect(await rawPoints()).toEqual(raw);
  });

  it('lets the qa CLI decide with the InfluxDB login from the console settings', async () => {
    const run = promisify(execFile);
    const args = [
      CLI,
      'validate',
      'aq-beji-01',
      '--fields',
      'pm25',
      '--from',
      '2026-12-01T07:00',
      '--to',
      '2026-12-01T08:00',
      '--decision',
      'invalid',
      '--reason',
      'inlet blocked by a leaf',
      '--as',
      'vali',
      '--records',
      records.path,
      '--registry',
      registry.path,
    ];
    const env = { PATH: process.env.PATH ?? '', INFLUX_URL: influx.url, INFLUX_DATABASE: DB };
    const result = await run(process.execPath, args, { env });
    expect(result.stdout).toMatch(
      /^recorded #2 {2}aq-beji-01 {2}pm25 {2}2026-12-01 07:00 WIB - 2026-12-01 08:00 WIB {2}invalid \(inlet blocked by a leaf\) {2}12 values {2}by vali/,
    );
    const after = await data('state=raw&from=2026-12-01T06:00&to=2026-12-01T09:00&fields=pm25');
    const states = after.json().series[0].points.map((p: { state: string }) => p.state);
    expect(states.filter((s: string) => s === 'invalid')).toHaveLength(12);
    expect(states.filter((s: string) => s === 'validated')).toHaveLength(24);
    // A database that does not exist is a settings problem, not bad input: exit 1, InfluxDB's words.
    const wrong = await run(process.execPath, args, { env: { ...env, INFLUX_DATABASE: 'nothing' } }).catch(
      (e) => e,
    );
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/InfluxDB did not answer the count: influx: database not found: nothing/);
  });
});
