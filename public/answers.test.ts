import { describe, expect, it } from 'vitest';
import type { Decision } from '../lib/qa/states.ts';
import { fakeData } from './fake-data.ts';
import { TEST_DEVICES, testApp } from './test-app.ts';

const decision = (d: Partial<Decision>): Decision => ({
  id: 1,
  station: 'aq-beji-01',
  fields: ['pm25'],
  from: 0,
  to: Date.parse('2027-01-01'),
  decision: 'valid',
  by: 'validator-sari',
  at: 1,
  ...d,
});

describe('data states from the validators decisions', () => {
  it('marks latest values validated or provisional, and never says who decided', async () => {
    const { app, decisions } = await testApp();
    decisions.push(decision({}));
    const rows = (await app.inject('/open/v1/latest')).json().data;
    const beji = rows.filter((r: { station: string }) => r.station === 'aq-beji-01');
    expect(beji.find((r: { field: string }) => r.field === 'pm25').state).toBe('validated');
    expect(beji.find((r: { field: string }) => r.field === 'pm10').state).toBe('provisional');
    expect(JSON.stringify(rows)).not.toContain('validator-sari');
  });

  it('leaves values declared invalid out of the hourly means, and says so', async () => {
    const { app, decisions } = await testApp();
    const url =
      '/open/v1/measurements?station=aq-beji-01&field=pm25&averaging=hour&from=2026-12-01T01:00Z&to=2026-12-01T04:00Z';
    const before = (await app.inject(url)).json().data;
    expect(before.map((r: { state: string }) => r.state)).toEqual([
      'provisional',
      'provisional',
      'provisional',
    ]);
    decisions.push(
      decision({
        decision: 'invalid',
        reason: 'pump failure',
        from: Date.parse('2026-12-01T02:00Z'),
        to: Date.parse('2026-12-01T03:00Z'),
      }),
    );
    decisions.push(
      decision({ id: 2, from: Date.parse('2026-12-01T03:00Z'), to: Date.parse('2026-12-01T04:00Z') }),
    );
    const after = (await app.inject(url)).json().data;
    expect(after.map((r: { state: string }) => r.state)).toEqual(['provisional', 'invalid', 'validated']);
    expect(after[1]).toMatchObject({ value: null, capture: 0, validity: null });
    expect(after[2].value).toBe(before[2].value);
    expect(after[0]).toMatchObject({ unit: 'ug/m3', averaging: 'hour', capture: 100, validity: 0 });
    expect(JSON.stringify(after)).not.toContain('pump failure');
  });
});

describe('map status per kind', () => {
  it('gives the ISPU category for air, compliance for wastewater, pressure for the network', async () => {
    const { data } = fakeData(TEST_DEVICES, Date.now);
    const reading = (values: Record<string, number>, validity: Record<string, number> = {}) => ({
      ts: Date.parse('2026-12-01T05:29:00Z'),
      values,
      validity,
    });
    const readings: Record<string, ReturnType<typeof reading>> = {
      'ww-ipal-01': reading({ ph: 7, bod: 45, cod: 80 }), // BOD above 30 mg/L
      'ww-private-ok': reading({ ph: 7, bod: 20, cod: 400 }, { cod: 12 }), // the high COD is flagged
      'wn-zona-01': reading({ pressure: 0.5 }),
    };
    const latest = async (_kind: string, stations: readonly string[]) =>
      new Map(stations.flatMap((id) => (readings[id] ? [[id, readings[id]] as const] : [])));
    const { app } = await testApp({ data: { ...data, latest } });
    const rows: { station: string; status: string }[] = (await app.inject('/open/v1/latest')).json().data;
    const status = Object.fromEntries(rows.map((r) => [r.station, r.status]));
    expect(status).toEqual({
      'aq-beji-01': 'baik', // the fake's ISPU category for this id
      'aq-tapos-01': 'sedang',
      'ww-ipal-01': 'non_compliant',
      'ww-private-ok': 'compliant',
      'wn-zona-01': 'pressure_low',
    });
    // A station with nothing yet is listed once, with no value.
    const tapos = rows.filter((r) => r.station === 'aq-tapos-01');
    expect(tapos).toEqual([expect.objectContaining({ field: null, value: null, status: 'sedang' })]);
  });
});

describe('cursor pages', () => {
  for (const [averaging, limit, span] of [
    ['raw', 100, '2026-11-30T18:00Z'],
    ['hour', 5, '2026-11-30T00:00Z'],
    ['day', 3, '2026-11-20'],
  ] as const)
    it(`${averaging}: walking next gives exactly the rows of one big page`, async () => {
      const { app } = await testApp();
      const base = `/open/v1/measurements?station=aq-beji-01&field=pm25&averaging=${averaging}&from=${span}&to=2026-12-01T05:00Z`;
      const all = (await app.inject(`${base}&limit=5000`)).json();
      expect(all.next).toBeNull();
      const walked: unknown[] = [];
      let url: string | null = `${base}&limit=${limit}`;
      let pages = 0;
      while (url) {
        const res: {
          statusCode: number;
          body: string;
          headers: Record<string, unknown>;
          json(): { data: unknown[]; next: string | null };
        } = await app.inject(url);
        expect(res.statusCode, res.body).toBe(200);
        const page = res.json();
        expect(page.data.length).toBeLessThanOrEqual(limit);
        if (page.next) expect(res.headers.link).toBe(`<${page.next}>; rel="next"`);
        walked.push(...page.data);
        url = page.next;
        pages++;
      }
      expect(pages).toBeGreaterThan(1);
      expect(walked).toEqual(all.data);
    });

  it('refuses a cursor from another query', async () => {
    const { app } = await testApp();
    const page = (await app.inject('/open/v1/measurements?station=aq-beji-01&field=pm25&limit=10')).json();
    const cursor = new URL(page.next, 'http://x').searchParams.get('cursor');
    const other = await app.inject(
      `/open/v1/measurements?station=aq-beji-01&field=pm10&limit=10&cursor=${cursor}`,
    );
    expect(other.statusCode).toBe(400);
    expect(other.json().code).toBe('open.error.bad_cursor');
  });
});

describe('HTTP details', () => {
  it('answers a CORS preflight for GET only and sends no credentials header', async () => {
    const { app } = await testApp();
    const res = await app.inject({
      method: 'OPTIONS',
      url: '/open/v1/latest',
      headers: { origin: 'https://example.org' },
    });
    expect(res.statusCode).toBe(204);
    expect(res.headers['access-control-allow-methods']).toBe('GET, HEAD');
    expect(res.headers['access-control-allow-credentials']).toBeUndefined();
    const post = await app.inject({ method: 'POST', url: '/open/v1/latest', payload: {} });
    expect(post.statusCode).toBe(404);
  });

  it('serves the docs page in both languages, without script', async () => {
    const { app } = await testApp();
    const id = await app.inject('/open/v1/docs');
    const en = await app.inject('/open/v1/docs?lang=en');
    expect(id.body).toContain('<html lang="id">');
    expect(id.body).toContain('Data terbuka');
    expect(en.body).toContain('open data');
    expect(en.body).toContain('/open/v1/measurements?station=aq-margonda-01');
    expect(id.body).not.toMatch(/<script|https?:\/\/(?!127)/);
    expect(id.headers['content-security-policy']).toContain("script-src 'self'");
  });

  it('answers 503 with a catalogue message when InfluxDB fails, and recovers', async () => {
    const { data } = fakeData(TEST_DEVICES, Date.now);
    let down = true;
    const flaky = {
      ...data,
      latest: (k: string, s: readonly string[]) =>
        down ? Promise.reject(new Error('refused')) : data.latest(k, s),
    };
    const { app } = await testApp({ data: flaky });
    const res = await app.inject('/open/v1/latest');
    expect(res.statusCode).toBe(503);
    expect(res.json().code).toBe('open.error.unavailable');
    down = false;
    expect((await app.inject('/open/v1/latest')).statusCode).toBe(200);
  });
});
