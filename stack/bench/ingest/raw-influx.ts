import { decodeMessage } from '../../../ingest/core/decode.ts';
import { readingToLine } from '../../../ingest/core/to-point.ts';
import { influxQuery } from '../../../testkit/influxd.ts';
import { benchReading } from '../../../testkit/load.ts';
import { type Ctx, createDb, untilStored } from './context.ts';
import { baseTs, MEASUREMENT, READINGS, TAGS } from './settings.ts';

/**
 * influxd's own write rate for the readings the other phases send: the very lines the ingest writes
 * (same decode, registry tags and line protocol), posted in 5,000-line bodies by two writers.
 */
export async function rawInflux(ctx: Ctx): Promise<number> {
  const db = 'bench_raw';
  await createDb(ctx, db);
  const stations = new Map(ctx.stations.map((id) => [id, { kind: MEASUREMENT, tags: TAGS }]));
  const decodeCtx = {
    time: { maxPastMs: 30 * 86_400_000, maxFutureMs: 300_000 },
    maxPayloadBytes: 65_536,
    lookupStation: (id: string) => stations.get(id),
    now: Date.now(),
  };
  const base = baseTs();
  const bodies: string[] = [];
  for (let start = 0; start < READINGS; start += 5000) {
    const lines: string[] = [];
    for (let i = start; i < Math.min(READINGS, start + 5000); i++) {
      const station = ctx.stations[i % ctx.stations.length] as string;
      const result = decodeMessage(
        `sensors/${MEASUREMENT}/${station}`,
        Buffer.from(benchReading(i, base)),
        decodeCtx,
      );
      if (!result.ok) throw new Error(`bench reading rejected: ${result.detail}`);
      for (const r of result.readings) lines.push(readingToLine(r));
    }
    bodies.push(lines.join('\n'));
  }
  const url = `${ctx.influx.url}/write?db=${db}&precision=ms`;
  const started = performance.now();
  let next = 0;
  const writer = async () => {
    for (let body = bodies[next++]; body !== undefined; body = bodies[next++]) {
      const res = await fetch(url, { method: 'POST', body });
      if (res.status !== 204) throw new Error(`influxd answered ${res.status}: ${await res.text()}`);
    }
  };
  await Promise.all([writer(), writer()]);
  const rate = (READINGS / ((await untilStored(ctx, db, READINGS, 60_000)) - started)) * 1000;
  await influxQuery(ctx.influx.url, `DROP DATABASE "${db}"`);
  return rate;
}
