import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openRecords, type Records } from '../lib/records/database.ts';
import { seedConsoleUsers, testConsoleDeps } from '../testkit/console.ts';
import { buildApp } from './app.ts';
import type { AlertPoint } from './core/alert-episodes.ts';
import type { AlertHistoryQuery } from './core/alert-history-query.ts';

// The alert history route (issue 14) with inject(): staff only, bounded, scoped, paged, CSV. InfluxDB
// is stood in for by a reader that applies the statement's filters to a list of points.
const PDAM = 'PDAM Tirta Asasta';
const STATIONS = [
  { id: 'wn-pancoran-01', kind: 'water_network', operator: PDAM },
  { id: 'ww-tapos-01', kind: 'wastewater', operator: 'UPTD PAL Depok' },
  { id: 'aq-beji-01', kind: 'air_quality', operator: 'DLHK Depok' },
];
const RULES: Record<string, string> = {
  water_network: 'pressure-low',
  wastewater: 'p68-bod',
  air_quality: 'pm25',
};
const PASSWORD = 'a long enough password';
const NOW = Date.parse('2026-12-10T05:00:00Z');
const FORMULA = '=HYPERLINK("http://evil.example","open")';

/** One cleared episode per station, cleared an hour apart (wn newest), raised 10 min before. */
const POINTS: AlertPoint[] = STATIONS.flatMap((s, i) => {
  const cleared = NOW - (i + 1) * 3_600_000;
  const raised = cleared - 600_000;
  const common = {
    kind: s.kind,
    station: s.id,
    rule: RULES[s.kind] ?? '',
    severity: 'warning',
    raised_at: new Date(raised).toISOString(),
    raised_value: 40,
    limit: 30,
    unit: 'mg/L',
  };
  const ack = { acknowledged_at: new Date(raised + 60_000).toISOString(), acknowledged_by: 'sari' };
  const comment = s.kind === 'wastewater' ? FORMULA : 'checked';
  return [
    { ...common, state: 'raised', time: raised, value: 40 },
    { ...common, ...ack, comment, state: 'acknowledged', time: raised + 60_000, value: 40 },
    { ...common, ...ack, comment, state: 'cleared', time: cleared, value: 12 },
  ];
});

describe('alert history API (inject)', () => {
  let dir: string;
  let records: Records;
  let app: FastifyInstance;
  const queries: AlertHistoryQuery[] = [];
  /** Answers as InfluxDB would; `leaky` ignores the scope lists, `failing` throws. */
  const reader = { leaky: false, failing: false };
  const cookies = new Map<string, string>();

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'alert-history-'));
    records = openRecords(join(dir, 'records.db'));
    await seedConsoleUsers(
      records,
      [
        { username: 'pdam', password: PASSWORD, roles: ['operator'], operators: [PDAM] },
        { username: 'vera', password: PASSWORD, roles: ['viewer'] },
        { username: 'ipal', password: PASSWORD, roles: ['viewer'], kinds: ['wastewater'] },
      ],
      [],
      [PDAM],
    );
    app = await buildApp(
      testConsoleDeps(records, STATIONS, {
        alertPoints: async (q) => {
          queries.push(q);
          if (reader.failing) throw new Error('connect ECONNREFUSED');
          const points = POINTS.filter(
            (p) =>
              p.time >= q.from &&
              p.time < q.to &&
              (!q.kind || p.kind === q.kind) &&
              (!q.station || p.station === q.station) &&
              (!q.rule || p.rule === q.rule) &&
              (reader.leaky || !q.scopeKinds || q.scopeKinds.includes(p.kind)) &&
              (reader.leaky || !q.scopeStations || q.scopeStations.includes(p.station)),
          ).sort((a, b) => b.time - a.time);
          return { points: points.slice(0, q.cap), skipped: 0 };
        },
        // Public reads on: the history stays staff only anyway (who acknowledged, their comments).
        publicRead: true,
        now: () => NOW,
      }),
    );
    for (const username of ['pdam', 'vera', 'ipal']) {
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

  const getAs = (user: string, url: string) =>
    app.inject({ url, headers: { cookie: cookies.get(user) ?? '' } });
  const stationsOf = (body: { rows: { station: string }[] }) => body.rows.map((r) => r.station);
  const [wn, ww, aq] = STATIONS.map((s) => s.id) as [string, string, string];

  it('is for logged-in staff only, even with public reads on', async () => {
    expect((await app.inject('/api/status')).statusCode).toBe(200);
    for (const url of ['/api/alerts/history', '/api/alerts/history.csv'])
      expect((await app.inject(url)).statusCode).toBe(401);
    expect((await app.inject('/history')).statusCode).toBe(303);
    expect((await getAs('vera', '/history')).statusCode).toBe(200);
  });

  it('folds each episode into one row with raise, acknowledgement and clear, for the last 7 days by default', async () => {
    queries.length = 0;
    const res = await getAs('vera', '/api/alerts/history');
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(queries[0]).toMatchObject({ from: NOW - 7 * 86_400_000, to: NOW });
    expect(queries[0]?.scopeKinds).toBeUndefined();
    expect(queries[0]?.scopeStations).toBeUndefined();
    expect(body).toMatchObject({ from: new Date(NOW - 7 * 86_400_000).toISOString(), next_cursor: null });
    expect(stationsOf(body)).toEqual([wn, ww, aq]);
    const cleared = NOW - 3_600_000;
    expect(body.rows[0]).toMatchObject({
      id: `water_network/${wn}/pressure-low`,
      kind: 'water_network',
      rule: 'pressure-low',
      raised_at: new Date(cleared - 600_000).toISOString(),
      acknowledged_at: new Date(cleared - 540_000).toISOString(),
      acknowledged_by: 'sari',
      comment: 'checked',
      escalated_at: null,
      cleared_at: new Date(cleared).toISOString(),
      duration_s: 600,
      raised_value: 40,
      cleared_value: 12,
      limit: 30,
      unit: 'mg/L',
    });
  });

  it('filters by station, rule, kind and period', async () => {
    const ask = async (q: string) => stationsOf((await getAs('vera', `/api/alerts/history?${q}`)).json());
    expect(await ask(`station=${ww}`)).toEqual([ww]);
    expect(await ask('rule=pm25')).toEqual([aq]);
    expect(await ask('kind=water_network')).toEqual([wn]);
    const from = new Date(NOW - 2.5 * 3_600_000).toISOString();
    expect(await ask(`from=${encodeURIComponent(from)}&to=${NOW}`)).toEqual([wn, ww]);
    expect(await ask(`from=${NOW - 2.5 * 3_600_000}&to=${NOW - 1.5 * 3_600_000}`)).toEqual([ww]);
  });

  it('keeps out-of-scope stations out, in the statement and again in the rows', async () => {
    queries.length = 0;
    expect(stationsOf((await getAs('pdam', '/api/alerts/history')).json())).toEqual([wn]);
    expect(queries[0]?.scopeStations).toEqual([wn]);
    expect(stationsOf((await getAs('ipal', '/api/alerts/history')).json())).toEqual([ww]);
    expect(queries[1]?.scopeKinds).toEqual(['wastewater']);
    // Should the statement's filter not hold, the rows are still kept to the scope.
    reader.leaky = true;
    try {
      expect(stationsOf((await getAs('pdam', '/api/alerts/history')).json())).toEqual([wn]);
      expect(stationsOf((await getAs('ipal', '/api/alerts/history')).json())).toEqual([ww]);
      const csv = (await getAs('pdam', '/api/alerts/history.csv')).body;
      expect(csv).toContain(wn);
      expect(csv).not.toMatch(/ww-tapos-01|aq-beji-01/);
    } finally {
      reader.leaky = false;
    }
  });

  it('answers 403 for a station or a kind asked for outside the scope', async () => {
    const refusals = [
      ['pdam', `station=${ww}`],
      ['pdam', `station=${aq}&kind=air_quality`],
      ['pdam', 'station=nowhere-01'],
      ['ipal', 'kind=air_quality'],
      ['ipal', `station=${wn}`],
    ] as const;
    for (const [user, q] of refusals) {
      const res = await getAs(user, `/api/alerts/history?${q}`);
      expect(res.statusCode, `${user} ${q}`).toBe(403);
      expect((await getAs(user, `/api/alerts/history.csv?${q}`)).statusCode).toBe(403);
    }
    expect((await getAs('pdam', `/api/alerts/history?station=${wn}`)).statusCode).toBe(200);
    expect((await getAs('vera', `/api/alerts/history?station=${aq}`)).statusCode).toBe(200);
  });

  it('refuses a period over 31 days, a bad date, and other bad input with 400, counted', async () => {
    // Each refusal names its catalogue code and values (the console words it), with the English text.
    const bad: [string, string, Record<string, unknown> | undefined, RegExp][] = [
      [`from=${NOW - 32 * 86_400_000}&to=${NOW}`, 'error.history.too_long', { days: 31 }, /at most 31 days/],
      ['from=2026-13-45', 'error.bad_time', { field: 'from' }, /^from: a time/],
      ['to=yesterday', 'error.bad_time', { field: 'to' }, /^to: a time/],
      [`from=${NOW}&to=${NOW - 1}`, 'error.history.order', undefined, /from must be before to/],
      ['limit=501', 'error.bad_query', { field: 'limit' }, /^limit: not a valid value/],
      ['limit=0', 'error.bad_query', { field: 'limit' }, /^limit/],
      ['cursor=not-a-cursor!', 'error.history.bad_cursor', undefined, /^cursor: not a cursor/],
      ["station=ww'x", 'error.bad_query', { field: 'station' }, /^station: not a valid value/],
      ['rule=a%20b', 'error.bad_query', { field: 'rule' }, /^rule:/],
      ['kind=drop', 'error.bad_query', { field: 'kind' }, /^kind/],
      ['foo=1', 'error.bad_query', { field: 'foo' }, /foo/],
    ];
    for (const [q, code, params, error] of bad) {
      const res = await getAs('vera', `/api/alerts/history?${q}`);
      expect(res.statusCode, q).toBe(400);
      expect(res.json().code, q).toBe(code);
      expect(res.json().params, q).toEqual(params);
      expect(res.json().error, q).toMatch(error);
    }
    expect((await getAs('vera', `/api/alerts/history.csv?from=${NOW - 40 * 86_400_000}`)).statusCode).toBe(
      400,
    );
    const metrics = (await app.inject('/metrics')).body;
    expect(metrics).toContain(`console_alert_history_requests_total{result="refused"} ${bad.length + 1}`);
  });

  it('pages with a cursor until every row was shown once', async () => {
    const seen: string[] = [];
    let url = '/api/alerts/history?limit=1';
    for (let i = 0; i < 5; i++) {
      const body = (await getAs('vera', url)).json();
      seen.push(...stationsOf(body));
      if (!body.next_cursor) break;
      url = `/api/alerts/history?limit=1&cursor=${body.next_cursor}`;
    }
    expect(seen).toEqual([wn, ww, aq]);
  });

  it('exports CSV in WIB with formula-looking cells defused', async () => {
    const res = await getAs('vera', '/api/alerts/history.csv');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toBe('attachment; filename="alert-history-2026-12-10.csv"');
    const lines = res.body.split('\r\n');
    expect(lines[0]).toMatch(/^\uFEFFid,kind,station,rule,severity,raised_at_wib,acknowledged_at_wib,/);
    expect(lines).toHaveLength(5); // header, three rows, and the empty string after the last CRLF
    const tapos = lines.find((l) => l.includes(ww)) ?? '';
    // Cleared at 03:00 UTC = 10:00 WIB, raised 10 min before.
    expect(tapos).toContain(',2026-12-10 09:50:00,2026-12-10 09:51:00,sari,');
    expect(tapos).toContain(`"'=HYPERLINK(""http://evil.example"",""open"")"`);
    expect(tapos).toContain(',2026-12-10 10:00:00,600,40,12,30,mg/L,');
  });

  it('answers 502 when InfluxDB does not', async () => {
    reader.failing = true;
    try {
      const res = await getAs('vera', '/api/alerts/history');
      expect(res.statusCode).toBe(502);
      expect(res.json()).toEqual({
        error: 'InfluxDB did not answer the alert history query',
        code: 'error.history.query_failed',
      });
      expect((await getAs('vera', '/api/alerts/history.csv')).statusCode).toBe(502);
    } finally {
      reader.failing = false;
    }
  });
});
