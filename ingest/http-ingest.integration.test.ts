import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../lib/process/ports.ts';
import { influxCount, influxQuery } from '../testkit/influxd.ts';
import { type Pipeline, startPipeline } from '../testkit/pipeline.ts';

const AQ = 'aq-http-01';
const AQ2 = 'aq-http-02';
const WN = 'wn-http-01';
// The real Sensor.Community payload the decoder's golden tests use.
const SENSOR_COMMUNITY = resolve(import.meta.dirname, 'core/testdata/shared-sensor-community/input.json');

describe('HTTP ingest: POST /v1/readings/<kind>/<station> into the real pipeline', () => {
  let p: Pipeline;
  let base: string;
  const auth = (id: string, secret = p.secrets.get(id) ?? '') =>
    `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
  const post = (path: string, body: string | Buffer, headers: Record<string, string> = {}) =>
    fetch(`${base}${path}`, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json', ...headers },
    });
  const rows = async (q: string) =>
    ((await influxQuery(p.influx.url, q, p.database)).results[0]?.series?.[0]?.values ?? []) as unknown[][];
  const metric = async (name: string) => {
    const text = await p.ingest.metrics.registry.metrics();
    return Number(new RegExp(`^${name.replace(/[{}]/g, '\\$&')} (\\S+)$`, 'm').exec(text)?.[1] ?? 0);
  };

  beforeAll(async () => {
    p = await startPipeline([
      { id: AQ, kind: 'air_quality', district: 'beji' },
      { id: AQ2, kind: 'air_quality', district: 'beji' },
      { id: WN, kind: 'water_network', district: 'limo' },
    ]);
    base = `http://127.0.0.1:${p.ingest.httpPort}`;
  });
  afterAll(async () => {
    await p?.close();
  });

  it('stores native, Sensor.Community and SenML bodies once they are in the spool (202), with registry tags', async () => {
    const now = Date.now();
    const native = await post(
      `/v1/readings/water_network/${WN}`,
      JSON.stringify({ ts: now - 1000, values: { pressure: 2.4 } }),
      {
        authorization: auth(WN),
      },
    );
    expect(native.status).toBe(202);
    expect(await native.json()).toEqual({ stored: 1 });

    const community = await post(`/v1/readings/air_quality/${AQ}`, await readFile(SENSOR_COMMUNITY), {
      authorization: auth(AQ),
      'x-sensor': 'esp8266-13577321',
    });
    expect(community.status).toBe(202);

    // SenML with its own content type: two times in one pack are two readings.
    const bt = Math.floor(now / 1000) - 120;
    const senml = [
      { bn: `urn:dev:depok:${AQ}:`, bt, n: 'pm25', u: 'ug/m3', v: 12.5 },
      { n: 'pm25', u: 'ug/m3', t: 60, v: 13.5 },
    ];
    const pack = await post(`/v1/readings/air_quality/${AQ}`, JSON.stringify(senml), {
      authorization: auth(AQ),
      'content-type': 'application/senml+json',
    });
    expect(pack.status).toBe(202);
    expect(await pack.json()).toEqual({ stored: 2 });

    await waitFor(
      async () => (await rows('SELECT pm25 FROM air_quality')).length === 3,
      10_000,
      'air readings stored',
    );
    // InfluxDB trims trailing zeros of the fraction (".28Z"): compare instants, not strings.
    const [stored] = await rows(`SELECT pressure, district FROM water_network WHERE station = '${WN}'`);
    expect([Date.parse(String(stored?.[0])), ...(stored?.slice(1) ?? [])]).toEqual([now - 1000, 2.4, 'limo']);
    // Sensor.Community's SDS_P1 is PM10, its pressure in Pa is stored in hPa (the catalogue's unit).
    const [community1] = await rows(`SELECT pm10, pressure FROM air_quality WHERE pm10 > 0`);
    expect(community1?.slice(1)).toEqual([61.2, 1005.2]);
  });

  it('refuses everything but a verified device on its own path (401, alike), its own under another kind (403)', async () => {
    const body = JSON.stringify({ ts: Date.now(), values: { pm25: 10 } });
    const none = await post(`/v1/readings/air_quality/${AQ}`, body);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Basic realm="ingest"/);
    const answer = async (path: string, authorization: string) => {
      const res = await post(path, body, { authorization });
      return `${res.status} ${await res.text()}`;
    };
    const refusal = `401 ${JSON.stringify({ error: 'a registered device id and its secret are required (HTTP Basic)' })}`;
    expect(await answer(`/v1/readings/air_quality/${AQ}`, auth(AQ, 'wrong'))).toBe(refusal);
    expect(await answer('/v1/readings/air_quality/nobody', auth('nobody', 'x'))).toBe(refusal);
    // Valid credentials of one device on another's path: the same answer as an unknown id (issue 12).
    expect(await answer(`/v1/readings/air_quality/${AQ}`, auth(AQ2))).toBe(refusal);
    expect(await answer(`/v1/readings/air_quality/${AQ}`, auth(WN))).toBe(refusal);
    // A service account (the ingest's own) is not a device, even on a path named after it.
    expect(await answer('/v1/readings/air_quality/ingest', auth('ingest'))).toBe(refusal);
    // A verified device under another kind is told its own path.
    expect(await answer(`/v1/readings/water_network/${AQ}`, auth(AQ))).toMatch(/^403 .*air_quality/);
    expect(await metric('ingest_http_refused_total{reason="unauthenticated"}')).toBe(6);
    expect(await metric('ingest_http_refused_total{reason="forbidden"}')).toBe(1);
  });

  it('answers bad bodies with the reason the MQTT path gives, counted (400, 413)', async () => {
    const before = await metric('ingest_rejected_total{reason="malformed_json"}');
    const broken = await post(`/v1/readings/water_network/${WN}`, '{"ts":', { authorization: auth(WN) });
    expect(broken.status).toBe(400);
    expect(((await broken.json()) as { reason: string }).reason).toBe('malformed_json');
    expect(await metric('ingest_rejected_total{reason="malformed_json"}')).toBe(before + 1);

    const range = await post(
      `/v1/readings/water_network/${WN}`,
      JSON.stringify({ ts: Date.now(), values: { pressure: 1e6 } }),
      {
        authorization: auth(WN),
      },
    );
    expect(range.status).toBe(400);
    expect(((await range.json()) as { reason: string }).reason).toBe('out_of_range');

    const huge = await post(`/v1/readings/water_network/${WN}`, Buffer.alloc(70 * 1024, 0x20), {
      authorization: auth(WN),
    });
    expect(huge.status).toBe(413);
    expect(((await huge.json()) as { reason: string }).reason).toBe('payload_too_large');
    expect(await metric('ingest_rejected_total{reason="payload_too_large"}')).toBe(1);
  });

  it('slows a device that sends too fast (429 with Retry-After) and lets it go on afterwards', async () => {
    const send = () =>
      post(`/v1/readings/water_network/${WN}`, JSON.stringify({ ts: Date.now(), values: { pressure: 2 } }), {
        authorization: auth(WN),
      });
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 80; i++) {
      const res = await send();
      statuses.push(res.status);
      if (res.status === 429) retryAfter = res.headers.get('retry-after');
    }
    expect(retryAfter).toBe('5');
    expect(statuses).toContain(202);
    const limited = statuses.filter((s) => s === 429).length;
    expect(limited).toBeGreaterThan(0);
    expect(statuses.filter((s) => s !== 202 && s !== 429)).toEqual([]);
    await new Promise((r) => setTimeout(r, 1100)); // one request a second refills
    expect((await send()).status).toBe(202);
  });
});

describe('HTTP ingest while InfluxDB is down', () => {
  let p: Pipeline;
  beforeAll(async () => {
    p = await startPipeline([{ id: WN, kind: 'water_network' }], {
      spool: { maxBytes: 2000, segmentBytes: 1000 },
      batch: { retryBaseMs: 100, retryMaxMs: 300 },
    });
  });
  afterAll(async () => {
    await p?.close();
  });

  it('answers 503 with Retry-After once the spool is full, and stores every reading it accepted', async () => {
    await p.influx.kill();
    const base = `http://127.0.0.1:${p.ingest.httpPort}`;
    const authorization = `Basic ${Buffer.from(`${WN}:${p.secrets.get(WN)}`).toString('base64')}`;
    const now = Date.now();
    const accepted: number[] = [];
    let refused: Response | undefined;
    for (let i = 0; i < 40 && !refused; i++) {
      const res = await fetch(`${base}/v1/readings/water_network/${WN}`, {
        method: 'POST',
        headers: { authorization, 'content-type': 'application/json' },
        body: JSON.stringify({ ts: now - 10_000 + i, values: { pressure: 2 + i / 100 } }),
      });
      if (res.status === 202) accepted.push(i);
      else refused = res;
    }
    expect(accepted.length).toBeGreaterThan(0);
    expect(refused?.status).toBe(503);
    expect(refused?.headers.get('retry-after')).toBe('5');
    await p.influx.start();
    await waitFor(
      async () =>
        (await influxCount(p.influx.url, p.database, 'water_network', 'pressure')) === accepted.length,
      15_000,
      'every accepted reading stored',
    );
  });
});
