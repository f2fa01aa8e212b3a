import { waitFor } from '../../../lib/process/ports.ts';
import { influxQuery } from '../../../testkit/influxd.ts';
import { type LoadDevice, publishPaced } from '../../../testkit/load.ts';
import { type Ctx, untilStored } from './context.ts';
import { startOurs } from './ours.ts';
import { baseTs, LATENCY_RATE, LATENCY_S, MEASUREMENT } from './settings.ts';

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

/**
 * Publish-to-queryable latency at a steady 5,000 readings/s. Readings go round-robin, so every
 * reading of the first station (1 in 200, 25 a second) is a sample; a poller asks InfluxDB every
 * 25 ms which of that station's readings are stored (`SELECT seq ... WHERE station = ...`) and a
 * sample's latency is from just before its publish() to the *answer* of the first query that
 * returned it. That overstates each latency by up to one poll interval plus a query's time, never
 * understates it.
 */
export async function e2eLatency(ctx: Ctx): Promise<{ p50: number; p99: number }> {
  const db = 'bench_latency';
  const ours = await startOurs(ctx, db);
  const probe = ours.devices[0] as LoadDevice;
  const total = LATENCY_RATE * LATENCY_S;
  const publishedAt = new Map<number, number>();
  const latencies: number[] = [];
  let polling = true;
  const base = baseTs();
  const poller = (async () => {
    while (polling || publishedAt.size > 0) {
      const pending = Math.min(...publishedAt.keys());
      if (Number.isFinite(pending)) {
        const res = await influxQuery(
          ctx.influx.url,
          `SELECT "seq" FROM "${MEASUREMENT}" WHERE "station" = '${probe.id}' AND time >= ${base + pending}ms`,
          db,
        );
        const answeredAt = performance.now();
        for (const [, seq] of (res.results[0]?.series?.[0]?.values ?? []) as [string, number][]) {
          const at = publishedAt.get(seq);
          if (at === undefined) continue;
          latencies.push(answeredAt - at);
          publishedAt.delete(seq);
        }
      }
      await new Promise((r) => setTimeout(r, 25));
    }
  })();
  try {
    await publishPaced(ours.devices, {
      ratePerSec: LATENCY_RATE,
      total,
      baseTs: base,
      onPublish: (index, at) => {
        if (index % ours.devices.length === 0) publishedAt.set(index, at);
      },
    });
    await untilStored(ctx, db, total + 1, 60_000);
    await waitFor(() => publishedAt.size === 0, 10_000, 'every sample seen');
    latencies.sort((a, b) => a - b);
    ctx.log(`latency: ${latencies.length} samples, max ${latencies.at(-1)?.toFixed(0)} ms`);
    return { p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
  } finally {
    polling = false;
    publishedAt.clear();
    await poller.catch(() => {});
    await ours.close();
  }
}
