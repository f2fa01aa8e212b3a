import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { findKind } from '../../lib/catalogue/index.ts';
import { silentLogger } from '../../lib/log.ts';
import { openRecords } from '../../lib/records/database.ts';
import { toDecision } from '../../lib/records/validations.ts';
import { DeviceSchema } from '../../lib/registry/schema.ts';
import { createInfluxData } from '../../public/adapters/influx-data.ts';
import { buildPublicApp } from '../../public/app.ts';
import { publicStations } from '../../public/core/stations.ts';
import { loadStations, toRegistryDevices } from '../../simulators/stations/load.ts';
import type { BenchSection } from '../../testkit/bench-section.ts';
import { influxQuery, startLocalInfluxd } from '../../testkit/influxd.ts';

const SECONDS = Number(process.env.BENCH_PUBLIC_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_PUBLIC_CONNECTIONS ?? 50);
const DB = 'environment';

/**
 * The open-data API's hot endpoints (issue 17: >= 2,000 requests/s): the public app with the 37 Depok
 * stations over a real influxd holding a reading per station and an ISPU per air station, listening on
 * loopback, and autocannon (as a library) against `/open/v1/latest` and `/open/v1/ispu/latest`. The
 * rate limit is raised out of the way: one source address is every client here. The load generator
 * shares this process (and the 2 cores) with the server, so the figures are a floor.
 */
const section: BenchSection = {
  name: 'public',
  order: 60,
  async run(log) {
    const dir = await mkdtemp(join(tmpdir(), 'public-bench-'));
    const influx = await startLocalInfluxd();
    const records = openRecords(join(dir, 'records.db'));
    try {
      await influxQuery(influx.url, `CREATE DATABASE "${DB}"`);
      const fleet = loadStations();
      const devices = toRegistryDevices(fleet).map((d) =>
        DeviceSchema.parse({ ...d, secret_hash: 'scrypt$bench' }),
      );
      const now = Date.now();
      const lines = devices.flatMap((d) => {
        const fields = Object.keys(findKind(d.kind)?.fields ?? {});
        const values = fields.map((f, i) => `${f}=${10 + i},${f}_validity=0i`).join(',');
        const reading = `${d.kind},station=${d.id} ${values} ${now - 30_000}`;
        return d.kind === 'air_quality'
          ? [reading, `ispu,station=${d.id},category=Sedang ispu=75,dominant="pm25",pm25=75 ${now - 600_000}`]
          : [reading];
      });
      const written = await fetch(`${influx.url}/write?db=${DB}&precision=ms`, {
        method: 'POST',
        body: lines.join('\n'),
      });
      if (written.status !== 204) throw new Error(`write failed: ${written.status}`);
      const stations = publicStations(devices);
      log(`${devices.length} stations, ${stations.length} public`);
      const app = await buildPublicApp({
        stations: () => stations,
        data: createInfluxData({ url: influx.url, database: DB, timeoutMs: 10_000 }),
        decisions: (ids, from, to) =>
          records.validations.list({ stations: [...ids], from, to }).map(toDecision),
        cacheTtlS: 10,
        rateLimit: { perMinute: 100_000_000, burst: 1_000_000 },
        trustProxy: false,
        log: silentLogger(),
      });
      await app.listen({ host: '127.0.0.1', port: 0 });
      const { port } = app.server.address() as { port: number };
      const figures: Record<string, number> = {};
      try {
        for (const [name, path] of [
          ['latest', '/open/v1/latest'],
          ['ispu', '/open/v1/ispu/latest'],
        ] as const) {
          const check = await fetch(`http://127.0.0.1:${port}${path}`);
          const rows = ((await check.json()) as { data: unknown[] }).data.length;
          if (check.status !== 200 || rows === 0) throw new Error(`${path}: ${check.status}, ${rows} rows`);
          const result = await autocannon({
            url: `http://127.0.0.1:${port}${path}`,
            connections: CONNECTIONS,
            duration: SECONDS,
          });
          if (result.non2xx > 0 || result.errors > 0)
            throw new Error(`${path}: ${result.non2xx} non-2xx, ${result.errors} errors`);
          log(
            `${path}: ${rows} rows, ${Math.round(result.requests.average)} req/s, p99 ${result.latency.p99} ms`,
          );
          figures[`public_${name}_rps`] = result.requests.average;
          figures[`public_${name}_p99_ms`] = result.latency.p99;
        }
      } finally {
        await app.close();
      }
      return figures;
    } finally {
      records.close();
      await influx.stop();
      await rm(dir, { recursive: true, force: true });
    }
  },
};
export default section;
