import { createServer } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createV1Writer } from '../lib/influx/v1-writer.ts';
import { createV2Writer } from '../lib/influx/v2-writer.ts';
import { WriteError } from '../lib/influx/write-error.ts';
import { freePort } from '../lib/process/ports.ts';
import { influxQuery, type LocalInfluxd, startLocalInfluxd } from './influxd.ts';
import { tryStartInfluxDb2 } from './influxdb2-container.ts';
import { startLocalVictoriaMetrics } from './victoria-metrics.ts';

const caught = async (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (err: unknown) => err as WriteError,
  );

describe('v1 writer against influxd 1.6', () => {
  let influx: LocalInfluxd;
  beforeAll(async () => {
    influx = await startLocalInfluxd();
    await influxQuery(influx.url, 'CREATE DATABASE w');
  });
  afterAll(async () => influx?.stop());

  it('writes a batch and classifies a bad point as permanent and a dead server as retryable', async () => {
    const writer = createV1Writer({ url: influx.url, database: 'w', timeoutMs: 5000 });
    await writer.write(['m,station=a v=1 1000', 'm,station=a v=2 2000']);
    const count = await influxQuery(influx.url, 'SELECT COUNT(v) FROM m', 'w');
    expect(count.results[0]?.series?.[0]?.values[0]?.[1]).toBe(2);

    // A field type conflict (v was a float) is the real-world permanent error.
    const conflict = await caught(writer.write(['m,station=a v="text" 3000']));
    expect(conflict).toBeInstanceOf(WriteError);
    expect(conflict).toMatchObject({ kind: 'permanent', status: 400 });

    const dead = createV1Writer({
      url: `http://127.0.0.1:${await freePort()}`,
      database: 'w',
      timeoutMs: 2000,
    });
    expect(await caught(dead.write(['m v=1 1']))).toMatchObject({ kind: 'retryable' });
    expect(await dead.ping()).toBe(false);
    expect(await writer.ping()).toBe(true);
  });
});

describe('status codes from a write endpoint, through both writers', () => {
  let status = 429;
  let headers: Record<string, string> = {};
  const server = createServer((_req, res) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end('{"code":"x","message":"refused"}');
  });
  let url = '';
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  const writers = {
    v1: () => createV1Writer({ url, database: 'w', timeoutMs: 2000 }),
    v2: () => createV2Writer({ url, org: 'o', bucket: 'b', token: 't', timeoutMs: 2000 }),
  };
  for (const [name, make] of Object.entries(writers)) {
    it(`${name}: 429 and 5xx are retryable and Retry-After (seconds or a date) is honoured`, async () => {
      const writer = make();
      status = 429;
      headers = { 'retry-after': '2' };
      expect(await caught(writer.write(['m v=1 1']))).toMatchObject({
        kind: 'retryable',
        status: 429,
        retryAfterMs: 2000,
      });
      status = 503;
      headers = { 'retry-after': new Date(Date.now() + 30_000).toUTCString() };
      const unavailable = await caught(writer.write(['m v=1 1']));
      expect(unavailable).toMatchObject({ kind: 'retryable', status: 503 });
      expect(unavailable?.retryAfterMs).toBeGreaterThan(25_000);
      expect(unavailable?.retryAfterMs).toBeLessThanOrEqual(30_000);
    });

    it(`${name}: a bad token or a missing database is retried, a too-large or bad batch is permanent`, async () => {
      const writer = make();
      headers = {};
      for (const s of [401, 403, 404]) {
        status = s;
        expect(await caught(writer.write(['m v=1 1']))).toMatchObject({ kind: 'retryable', status: s });
      }
      for (const s of [400, 413]) {
        status = s;
        expect(await caught(writer.write(['m v=1 1']))).toMatchObject({ kind: 'permanent', status: s });
      }
    });
  }
});

describe('v2 writer (official client, /api/v2/write)', () => {
  it('writes to InfluxDB 2.x when a container runtime exists, otherwise to VictoriaMetrics', async () => {
    const container = await tryStartInfluxDb2();
    const now = Date.now();
    const lines = Array.from(
      { length: 250 },
      (_, i) => `water_network,station=wn-v2 pressure=${i / 100} ${now - 300_000 + i * 1000}`,
    );
    if (container.ok) {
      const { influx } = container;
      try {
        const writer = createV2Writer({ ...influx, timeoutMs: 10_000 });
        await writer.write(lines);
        // InfluxQL through the v1 compatibility API, as the dashboards query it.
        const res = await fetch(
          `${influx.url}/query?${new URLSearchParams({ db: influx.bucket, q: 'SELECT COUNT(pressure) FROM water_network' })}`,
          {
            headers: { authorization: `Token ${influx.token}` },
          },
        );
        const body = (await res.json()) as { results: { series?: { values: number[][] }[] }[] };
        expect(body.results[0]?.series?.[0]?.values[0]?.[1]).toBe(250);
      } finally {
        await influx.stop();
      }
      return;
    }
    // No container runtime here: say so, then exercise the same client against a real server.
    console.info(
      `InfluxDB 2.x container not started (${container.reason}); writing to VictoriaMetrics instead`,
    );
    const vm = await startLocalVictoriaMetrics();
    try {
      const writer = createV2Writer({
        url: vm.url,
        org: 'depok',
        bucket: 'environment',
        token: 'unused',
        timeoutMs: 10_000,
      });
      await writer.write(lines);
      await vm.flush();
      expect(await vm.queryValue('count_over_time(water_network_pressure{station="wn-v2"}[1h])')).toBe(250);
      expect(await writer.ping()).toBe(true);
      const dead = createV2Writer({
        url: `http://127.0.0.1:${await freePort()}`,
        org: 'o',
        bucket: 'b',
        token: 't',
        timeoutMs: 2000,
      });
      expect(await caught(dead.write(lines.slice(0, 1)))).toMatchObject({ kind: 'retryable' });
    } finally {
      await vm.stop();
    }
  });
});
