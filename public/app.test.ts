import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { flatten, parseCsv } from './core/csv.ts';
import { API_PREFIX, OPERATIONS, openApiDocument } from './http/openapi.ts';
import { HIDDEN_IDS, testApp } from './test-app.ts';

const doc = openApiDocument();
const ajv = new Ajv2020({ strict: false, allErrors: true });
// ajv-formats is CommonJS: its function is the module's default export under Node's ESM loader.
const addFormats = addFormatsModule as unknown as { default: (a: Ajv2020) => void };
addFormats.default(ajv);
ajv.addSchema({ $id: 'openapi', components: doc.components });
const validatorOf = (schema: object) =>
  ajv.compile(JSON.parse(JSON.stringify(schema).replaceAll('"#/components', '"openapi#/components')));

/** A request per operation of the document, for a given station (the examples, with our ids). */
const requestsFor = (station: string) =>
  OPERATIONS.map((op) => ({
    op,
    url: `${API_PREFIX}${op.example.replace('aq-margonda-01', station)}`,
  }));

describe('every answer validates against the OpenAPI document', () => {
  for (const { op, url } of requestsFor('aq-beji-01'))
    it(`GET ${op.path}`, async () => {
      const { app } = await testApp();
      const res = await app.inject(url);
      expect(res.statusCode, res.body).toBe(200);
      const validate = validatorOf(op.schema);
      const body = res.json();
      expect(validate(body), JSON.stringify(validate.errors)).toBe(true);
      expect(JSON.stringify(body)).toContain('aq-beji-01');
    });

  it('errors validate as Problem too', async () => {
    const { app } = await testApp();
    const validate = validatorOf({ $ref: '#/components/schemas/Problem' });
    for (const url of [
      '/open/v1/stations/nope',
      '/open/v1/measurements?station=aq-beji-01',
      '/open/v1/latest?format=xml',
    ]) {
      const res = await app.inject(url);
      expect(res.statusCode).toBeGreaterThanOrEqual(400);
      expect(validate(res.json()), url).toBe(true);
    }
  });

  it('serves the document itself, a valid OpenAPI 3.1 with every path', async () => {
    const { app } = await testApp();
    const res = await app.inject('/open/v1/openapi.json');
    expect(res.json().openapi).toBe('3.1.0');
    expect(Object.keys(res.json().paths)).toEqual([
      ...OPERATIONS.map((o) => o.path),
      '/citizen-reports',
      '/citizen-reports/{code}',
      '/citizen-reports/{id}/photo',
    ]);
  });
});

describe('CSV', () => {
  for (const { op, url } of requestsFor('aq-beji-01'))
    it(`equals JSON row for row: ${op.path}`, async () => {
      const { app } = await testApp();
      const json = (await app.inject(url)).json();
      const rows = Array.isArray(json.data) ? json.data : [json.data];
      const csv = await app.inject({ url, headers: { accept: 'text/csv' } });
      expect(csv.headers['content-type']).toMatch(/^text\/csv/);
      const same = await app.inject(`${url}${url.includes('?') ? '&' : '?'}format=csv`);
      expect(same.body).toBe(csv.body);
      const asText = rows.map((r: Record<string, unknown>) =>
        Object.fromEntries(Object.entries(flatten(r)).map(([k, v]) => [k, v === null ? '' : String(v)])),
      );
      const parsed = parseCsv(csv.body).map((r) =>
        Object.fromEntries(Object.keys(asText[0] ?? {}).map((k) => [k, r[k]])),
      );
      expect(rows.length).toBeGreaterThan(0);
      expect(parsed).toEqual(asText);
    });
});

describe('stations that are not public', () => {
  it('are absent from every answer of every endpoint, JSON and CSV, and look unknown', async () => {
    const { app } = await testApp();
    const unknown = await app.inject('/open/v1/stations/no-such-station');
    for (const hidden of HIDDEN_IDS) {
      for (const { op, url } of requestsFor(hidden)) {
        for (const format of ['json', 'csv']) {
          const res = await app.inject(`${url}${url.includes('?') ? '&' : '?'}format=${format}`);
          for (const id of HIDDEN_IDS) expect(res.body, `${op.path} ${format}`).not.toContain(id);
          expect(res.body).not.toMatch(/Rahasia|Hidden|Revoked/);
          if (url.includes(hidden)) {
            expect(res.statusCode, url).toBe(404);
            expect(res.body).toBe(unknown.body);
          }
        }
      }
    }
    const listed = (await app.inject('/open/v1/stations')).json().data.map((s: { id: string }) => s.id);
    expect(listed).toEqual(['aq-beji-01', 'aq-tapos-01', 'wn-zona-01', 'ww-ipal-01', 'ww-private-ok']);
  });
});

describe('caching', () => {
  it('answers 304 to a matching If-None-Match, with a weak ETag and public max-age', async () => {
    const { app } = await testApp();
    const first = await app.inject('/open/v1/latest');
    expect(first.headers.etag).toMatch(/^W\/"/);
    expect(first.headers['cache-control']).toBe('public, max-age=5');
    expect(first.headers['access-control-allow-origin']).toBe('*');
    const again = await app.inject({
      url: '/open/v1/latest',
      headers: { 'if-none-match': first.headers.etag as string },
    });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe('');
    const csv = await app.inject({
      url: '/open/v1/latest?format=csv',
      headers: { 'if-none-match': first.headers.etag as string },
    });
    expect(csv.statusCode).toBe(200); // another representation, another tag
  });

  it('reads InfluxDB once per TTL for latest values and ISPU, however many ask', async () => {
    const { app, calls, clock } = await testApp();
    await Promise.all(
      Array.from({ length: 100 }, (_, i) => app.inject(i % 2 ? '/open/v1/latest' : '/open/v1/ispu/latest')),
    );
    expect(calls).toMatchObject({ latest: 3, ispuLatest: 1 });
    clock.set(clock.now() + 4_000);
    await app.inject('/open/v1/latest');
    expect(calls.latest).toBe(3);
    clock.set(clock.now() + 1_000);
    await app.inject('/open/v1/latest');
    await app.inject('/open/v1/ispu/latest');
    expect(calls).toMatchObject({ latest: 6, ispuLatest: 2 });
  });
});

describe('rate limit per client address', () => {
  const limited = () => testApp({ rateLimit: { perMinute: 60, burst: 10 } });

  it('holds under 50 parallel requests: the burst passes, the rest get 429 with Retry-After', async () => {
    const { app } = await limited();
    const answers = await Promise.all(Array.from({ length: 50 }, () => app.inject('/open/v1/stations')));
    const codes = answers.map((r) => r.statusCode);
    expect(codes.filter((c) => c === 200)).toHaveLength(10);
    expect(codes.filter((c) => c === 429)).toHaveLength(40);
    const refused = answers.find((r) => r.statusCode === 429);
    expect(Number(refused?.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(refused?.json().code).toBe('open.error.rate_limited');
  });

  it('counts an IPv6 /64 as one client, and other addresses apart', async () => {
    const { app } = await limited();
    const from = (remoteAddress: string) => app.inject({ url: '/open/v1/stations', remoteAddress });
    for (let i = 0; i < 10; i++) expect((await from(`2001:db8:1:2::${i + 1}`)).statusCode).toBe(200);
    expect((await from('2001:db8:1:2:ffff::9')).statusCode).toBe(429);
    expect((await from('2001:db8:1:3::1')).statusCode).toBe(200);
    expect((await from('192.0.2.7')).statusCode).toBe(200);
  });

  it('leaves the page alone', async () => {
    const { app } = await limited();
    for (let i = 0; i < 11; i++) await app.inject('/open/v1/stations');
    expect((await app.inject('/page-config.json')).statusCode).toBe(200);
  });
});

describe('bad input: a clear 400 in the request language, nothing else', () => {
  const cases: [string, string][] = [
    ['/open/v1/measurements?station=aq-beji-01&field=pm25&from=2026-10-01', 'open.error.range_too_wide'],
    [
      '/open/v1/measurements?station=aq-beji-01&field=pm25&averaging=day&from=2025-11-01&to=2026-12-01',
      'open.error.range_too_wide',
    ],
    ['/open/v1/measurements?station=aq-beji-01&field=pm25&from=yesterday', 'open.error.bad_param'],
    ['/open/v1/measurements?station=aq-beji-01&field=pm25&from=2026-02-30', 'open.error.bad_time'],
    [
      '/open/v1/measurements?station=aq-beji-01&field=pm25&from=2026-12-01T05:00Z&to=2026-12-01T04:00Z',
      'open.error.empty_range',
    ],
    ['/open/v1/measurements?station=aq-beji-01&field=pm25&averaging=week', 'open.error.bad_param'],
    ['/open/v1/measurements?station=aq-beji-01&field=pm25&limit=0', 'open.error.bad_param'],
    ['/open/v1/measurements?station=aq-beji-01&field=pm25&cursor=bm9wZQ', 'open.error.bad_cursor'],
    ['/open/v1/measurements?station=aq-beji-01&field=bod', 'open.error.bad_field'],
    ['/open/v1/measurements?field=pm25', 'open.error.bad_param'],
    ['/open/v1/ispu/history?station=aq-beji-01&from=2026-10-01', 'open.error.range_too_wide'],
    ['/open/v1/stations?format=xml', 'open.error.bad_param'],
  ];
  for (const [url, code] of cases)
    it(`${url.slice(9)} -> ${code}`, async () => {
      const { app } = await testApp();
      const id = await app.inject(url);
      expect(id.statusCode).toBe(400);
      expect(id.json().code).toBe(code);
      const en = await app.inject({ url, headers: { 'accept-language': 'en-GB,en;q=0.8' } });
      const viaQuery = await app.inject(`${url}&lang=en`);
      expect(en.json().error).toBe(viaQuery.json().error);
      if (code !== 'open.error.bad_param') expect(en.json().error).not.toBe(id.json().error);
    });

  it('allows the widest day range (366 days)', async () => {
    const { app } = await testApp();
    const res = await app.inject(
      '/open/v1/measurements?station=aq-beji-01&field=pm25&averaging=day&from=2025-12-01&to=2026-12-01&limit=5',
    );
    expect(res.statusCode).toBe(200);
    expect(res.json().data).toHaveLength(5);
  });
});
