import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../lib/log.ts';
import { openRecords } from '../lib/records/database.ts';
import { DeviceSchema, RegistrySchema } from '../lib/registry/schema.ts';
import { saveRegistry } from '../lib/registry/store.ts';
import { influxQuery, type LocalInfluxd, startLocalInfluxd } from '../testkit/influxd.ts';
import { publicConfigFromEnv } from './config.ts';
import { type PublicService, startPublic } from './service.ts';

// The public service against a real influxd (issue 17): the hourly means are lib/aggregate's and equal
// InfluxQL's MEAN() GROUP BY time(1h) over the same data; capture, validity and state ride along; the
// limits answer 429, 404 and 400 as documented. Data: the last 30 hours of one air station at 60 s,
// with gaps (a few minutes of each hour missing) and one flagged value, and hourly ISPU points.
const DB = 'environment';
const H = 3_600_000;
const NOW = Date.now();
const END = Math.floor(NOW / H) * H;
const START = END - 30 * H;
const device = (d: object) => DeviceSchema.parse({ secret_hash: 'scrypt$x', ...d });

// biome-ignore lint/suspicious/noExplicitAny: answers are checked field by field below.
type Answer = Omit<Response, 'json'> & { json(): Promise<any> };

describe('the open-data API over a real InfluxDB', () => {
  let influx: LocalInfluxd;
  let dir: string;
  let service: PublicService;
  const validPerHour = new Map<number, number>();
  const get = (path: string, headers: Record<string, string> = {}): Promise<Answer> =>
    fetch(`${service.url}${path}`, { headers: { 'x-forwarded-for': '198.51.100.1', ...headers } });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'public-api-'));
    influx = await startLocalInfluxd();
    await influxQuery(influx.url, `CREATE DATABASE "${DB}"`);
    const lines: string[] = [];
    for (let t = START; t < END + 20 * 60_000 && t < NOW; t += 60_000) {
      const minute = (t / 60_000) % 60;
      if (minute % 13 === 5) continue; // 4-5 readings missing per hour: still over the 75 % rule
      const flagged = t === START + 2 * H + 30 * 60_000;
      const hour = Math.floor(t / H) * H;
      if (!flagged) validPerHour.set(hour, (validPerHour.get(hour) ?? 0) + 1);
      const pm25 = 20 + ((t / 60_000) % 17) * 1.5;
      lines.push(
        `air_quality,station=aq-beji-01 pm25=${flagged ? 900 : pm25},pm25_validity=${flagged ? 12 : 0}i ${t}`,
      );
      lines.push(`air_quality,station=aq-hidden-01 pm25=55,pm25_validity=0i ${t}`);
    }
    for (let t = START; t < END; t += H)
      lines.push(
        `ispu,station=aq-beji-01,category=Sedang ispu=72,dominant="pm25",pm25=72,pm25_concentration=30 ${t}`,
      );
    const res = await fetch(`${influx.url}/write?db=${DB}&precision=ms`, {
      method: 'POST',
      body: lines.join('\n'),
    });
    expect(res.status).toBe(204);

    const registryPath = join(dir, 'registry.json');
    await saveRegistry(
      registryPath,
      RegistrySchema.parse({
        devices: [
          device({
            id: 'aq-beji-01',
            kind: 'air_quality',
            name: 'Beji',
            district: 'beji',
            lat: -6.37,
            lon: 106.82,
          }),
          device({ id: 'aq-hidden-01', kind: 'air_quality', name: 'Hidden', public: false }),
        ],
      }),
    );
    const recordsPath = join(dir, 'records.db');
    const records = openRecords(recordsPath);
    records.validations.insert({
      station: 'aq-beji-01',
      kind: 'air_quality',
      fields: ['pm25'],
      from_at: START,
      to_at: START + 6 * H,
      decision: 'valid',
      reason: null,
      points: 330,
      decided_by: 'validator',
      via: 'cli',
    });
    records.close();
    service = await startPublic(
      publicConfigFromEnv({
        PUBLIC_PORT: '0',
        PUBLIC_TRUST_PROXY: 'true',
        PUBLIC_RATE_PER_MINUTE: '60',
        PUBLIC_RATE_BURST: '30',
        INFLUX_URL: influx.url,
        REGISTRY_PATH: registryPath,
        RECORDS_PATH: recordsPath,
      }),
      silentLogger(),
    );
  }, 60_000);

  afterAll(async () => {
    await service?.close();
    await influx?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('gives hourly means equal to InfluxQL MEAN() GROUP BY time(1h), with capture, validity and state', async () => {
    const from = new Date(START).toISOString();
    const to = new Date(END).toISOString();
    const res = await get(
      `/open/v1/measurements?station=aq-beji-01&field=pm25&averaging=hour&from=${from}&to=${to}`,
    );
    expect(res.status).toBe(200);
    const rows: {
      time: string;
      value: number;
      capture: number;
      validity: number;
      state: string;
      unit: string;
    }[] = (await res.json()).data;
    expect(rows).toHaveLength(30);
    const influxMeans = await influxQuery(
      influx.url,
      `SELECT MEAN("pm25") FROM "air_quality" WHERE "station" = 'aq-beji-01' AND "pm25_validity" = 0 AND time >= ${START}ms AND time < ${END}ms GROUP BY time(1h)`,
      DB,
    );
    const expected = influxMeans.results[0]?.series?.[0]?.values ?? [];
    expect(expected).toHaveLength(30);
    expected.forEach(([t, mean], i) => {
      expect(Date.parse(rows[i]?.time ?? '')).toBe(Date.parse(String(t)));
      expect(rows[i]?.value).toBeCloseTo(mean as number, 9);
    });
    for (const r of rows) {
      expect(r.unit).toBe('ug/m3');
      expect(r.validity).toBe(0);
      // Capture: valid readings of the 60 the interval promises, as counted while writing them.
      const valid = validPerHour.get(Date.parse(r.time)) ?? 0;
      expect(r.capture).toBeCloseTo((valid / 60) * 100, 1);
    }
    expect(new Set(rows.map((r) => r.capture)).size).toBeGreaterThan(1); // the flagged hour has one less
    expect(rows.slice(0, 6).every((r) => r.state === 'validated')).toBe(true);
    expect(rows.slice(6).every((r) => r.state === 'provisional')).toBe(true);
  });

  it('gives raw values with their validity code, and latest values and ISPU from the stored points', async () => {
    const raw = (
      await (
        await get(
          `/open/v1/measurements?station=aq-beji-01&field=pm25&from=${START + 2 * H}&to=${START + 3 * H}`,
        )
      ).json()
    ).data;
    expect(raw.find((r: { value: number }) => r.value === 900)).toMatchObject({
      validity: 12,
      state: 'validated',
    });
    const latest = (await (await get('/open/v1/latest')).json()).data;
    expect(latest).toEqual([
      expect.objectContaining({
        station: 'aq-beji-01',
        field: 'pm25',
        validity: 0,
        status: 'sedang',
        state: 'provisional',
      }),
    ]);
    const ispu = (await (await get('/open/v1/ispu/latest')).json()).data;
    expect(ispu).toEqual([
      expect.objectContaining({
        station: 'aq-beji-01',
        ispu: 72,
        category: 'sedang',
        sub_indices: { pm25: 72 },
      }),
    ]);
    const history = (
      await (await get(`/open/v1/ispu/history?station=aq-beji-01&from=${START}&to=${END}`)).json()
    ).data;
    expect(history).toHaveLength(30);
  });

  it('answers 404 for an unknown and a non-public station alike, 400 for a range over the limit', async () => {
    const unknown = await get('/open/v1/measurements?station=aq-nope&field=pm25');
    const hidden = await get('/open/v1/measurements?station=aq-hidden-01&field=pm25');
    expect([unknown.status, hidden.status]).toEqual([404, 404]);
    expect(await hidden.text()).toBe(await unknown.text());
    const wide = await get(
      '/open/v1/measurements?station=aq-beji-01&field=pm25&from=2026-01-01&to=2026-03-01',
      { 'accept-language': 'en' },
    );
    expect(wide.status).toBe(400);
    expect(await wide.json()).toMatchObject({
      code: 'open.error.range_too_wide',
      error: expect.stringContaining('31 days'),
    });
    const malformed = await get('/open/v1/measurements?station=aq-beji-01&field=pm25&from=kemarin&lang=id');
    expect(malformed.status).toBe(400);
    expect((await malformed.json()).error).toMatch(/^parameter from/);
  });

  it('answers 429 with Retry-After past the limit of one address, others unaffected', async () => {
    const answers = await Promise.all(
      Array.from({ length: 50 }, () => get('/open/v1/stations', { 'x-forwarded-for': '203.0.113.9' })),
    );
    const codes = answers.map((r) => r.status);
    expect(codes.filter((c) => c === 200)).toHaveLength(30);
    expect(codes.filter((c) => c === 429)).toHaveLength(20);
    expect(Number(answers.find((r) => r.status === 429)?.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await get('/open/v1/stations')).status).toBe(200);
  });
});
