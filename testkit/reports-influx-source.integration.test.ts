import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInfluxSource, stationStatement } from '../lib/reports/influx-source.ts';
import { parsePeriod } from '../lib/reports/request.ts';
import { NO_QA_RECORDS } from '../lib/reports/source.ts';
import { influxQuery, type LocalInfluxd, startLocalInfluxd } from './influxd.ts';

const DB = 'environment';
const period = parsePeriod('2026-11-10', 'day') as NonNullable<ReturnType<typeof parsePeriod>>;
const station = { id: 'aq-beji-01', name: 'Beji', kind: 'air_quality' };
let influx: LocalInfluxd;

beforeAll(async () => {
  influx = await startLocalInfluxd();
  await influxQuery(influx.url, `CREATE DATABASE "${DB}"`);
  const lines: string[] = [];
  // One reading a minute over the WIB day, and one either side of it that must not be read.
  for (let t = period.from - 60_000; t <= period.to; t += 60_000) {
    const minute = (t - period.from) / 60_000;
    lines.push(
      minute % 100 === 7
        ? `air_quality,station=aq-beji-01 pm25=${minute},pm10=493,validity=10i,pm25_validity=0i,pm10_validity=14i ${t}`
        : `air_quality,station=aq-beji-01 pm25=${minute},validity=0i ${t}`,
    );
  }
  lines.push(`air_quality,station=aq-other-01 pm25=1,validity=0i ${period.from}`);
  const res = await fetch(`${influx.url}/write?db=${DB}&precision=ms`, {
    method: 'POST',
    body: lines.join('\n'),
  });
  expect(res.status).toBe(204);
}, 60_000);
afterAll(() => influx?.stop());

describe('the InfluxDB station source', () => {
  it('streams the day in chunks: every value once, in order, each with its own or its point validity', async () => {
    const source = createInfluxSource({
      influx: { url: influx.url, database: DB, timeoutMs: 30_000 },
      records: NO_QA_RECORDS,
      chunkSize: 500,
    });
    const data = await source.read(station, { kind: 'air_quality', fields: ['pm25', 'pm10'] }, period);
    const pm25 = data.series.get('pm25') ?? [];
    expect(pm25).toHaveLength(1440);
    expect(pm25[0]).toEqual([period.from, 0, 0]);
    expect(pm25.at(-1)?.[0]).toBe(period.to - 60_000);
    expect(pm25.every(([ts], i) => i === 0 || ts > (pm25[i - 1]?.[0] ?? 0))).toBe(true);
    const pm10 = data.series.get('pm10') ?? [];
    expect(pm10).toHaveLength(15);
    expect(pm10[0]).toEqual([period.from + 7 * 60_000, 493, 14]);
    expect(pm25[7]).toEqual([period.from + 7 * 60_000, 7, 0]);
    expect(data.intervalS).toBe(60);
  });

  it('reads the lookback before the period too', async () => {
    const source = createInfluxSource({
      influx: { url: influx.url, database: DB, timeoutMs: 30_000 },
      records: NO_QA_RECORDS,
    });
    const data = await source.read(
      station,
      { kind: 'air_quality', fields: ['pm25'], lookbackMs: 60_000 },
      period,
    );
    expect(data.series.get('pm25')?.[0]?.[0]).toBe(period.from - 60_000);
  });

  it('an error influxd reports is thrown, not read as no data', async () => {
    const source = createInfluxSource({
      influx: { url: influx.url, database: 'nope', timeoutMs: 30_000 },
      records: NO_QA_RECORDS,
    });
    await expect(source.read(station, { kind: 'air_quality', fields: ['pm25'] }, period)).rejects.toThrow(
      /database not found/,
    );
  });

  it('builds statements only from catalogue names and a checked id', () => {
    expect(() => stationStatement('air_quality', "x' OR 1=1", ['pm25'], period)).toThrow(/invalid station/);
    expect(() => stationStatement('air_quality', 'aq-a', ['pm1'], period)).toThrow(/unknown field/);
    expect(stationStatement('air_quality', 'aq-a', ['pm25'], period)).toBe(
      `SELECT "validity", "pm25", "pm25_validity" FROM "air_quality" WHERE "station" = 'aq-a' AND time >= ${period.from}ms AND time < ${period.to}ms`,
    );
  });
});
