import { influxCount } from '../../../testkit/influxd.ts';
import { publishAsFastAsAcked } from '../../../testkit/load.ts';
import { sampleValue } from '../../../testkit/prometheus-text.ts';
import { type Ctx, untilStored } from './context.ts';
import { startOurs } from './ours.ts';
import { baseTs, MEASUREMENT, READINGS, WINDOW } from './settings.ts';

/**
 * Our pipeline, every device as fast as its PUBACKs return, until the last reading is queryable;
 * with `flowsSession`, the flows' persistent QoS 1 session on readings/# too (ours.ts).
 */
export async function e2eThroughput(
  ctx: Ctx,
  via: 'ours' | 'mosquitto' = 'ours',
  flowsSession = false,
  validity = true,
): Promise<{ rate: number; deliveries: number }> {
  const ours = await startOurs(ctx, 'bench_e2e', via, flowsSession, validity);
  try {
    const started = performance.now();
    const progress = { acked: 0 };
    const ticker = setInterval(async () => {
      const m = await ours.ingest.metrics().catch(() => '');
      const get = (name: string) => sampleValue(m, name);
      ctx.log(
        `e2e: ${((performance.now() - started) / 1000).toFixed(0)} s: ${progress.acked} acknowledged by the broker, ingest received ${get('ingest_messages_received_total')}, stored ${get('ingest_readings_stored_total')}, spool ${get('ingest_spool_readings')}`,
      );
    }, 5000);
    try {
      await publishAsFastAsAcked(ours.devices, {
        total: READINGS,
        baseTs: baseTs(),
        window: WINDOW,
        progress,
      });
      ctx.log(`e2e: ${READINGS} PUBACKs in ${((performance.now() - started) / 1000).toFixed(1)} s`);
      const done = await untilStored(ctx, 'bench_e2e', READINGS + 1, 180_000);
      const metrics = await ours.ingest.metrics();
      const read = (name: string) => sampleValue(metrics, name) ?? 0;
      // Each reading should reach the ingest once; a broker that delivers some twice (without DUP)
      // costs throughput, not correctness: the copy is the same InfluxDB point. Reported, not hidden.
      const deliveries = (read('ingest_messages_received_total') - 1) / READINGS;
      ctx.log(
        `e2e: all stored after ${((done - started) / 1000).toFixed(1)} s; the ingest received ${deliveries.toFixed(2)} messages a reading, ${read('ingest_duplicates_total')} flagged DUP; ${read('ingest_readings_not_forwarded_total')} not forwarded to readings/...`,
      );
      // Proof of which ingest ran: with the stage every point has a `validity` field, without it none.
      const coded = await influxCount(ctx.influx.url, 'bench_e2e', MEASUREMENT, 'validity');
      ctx.log(`e2e: ${coded} points with a validity code (validity stage ${validity ? 'on' : 'off'})`);
      if (validity !== coded > 0)
        throw new Error(`validity stage ${validity ? 'on' : 'off'} but ${coded} coded points`);
      if (flowsSession)
        ctx.log(`e2e: the flows' session got ${ours.forwarded()} readings/... messages so far`);
      const batches = read('ingest_batch_lines_count');
      ctx.log(
        `e2e: ${batches} batches of ${(read('ingest_batch_lines_sum') / batches).toFixed(0)} lines on average, ${((read('ingest_write_duration_seconds_sum') / batches) * 1000).toFixed(1)} ms a write (${read('ingest_write_duration_seconds_sum').toFixed(2)} s writing in all)`,
      );
      return { rate: (READINGS / (done - started)) * 1000, deliveries };
    } finally {
      clearInterval(ticker);
    }
  } finally {
    await ours.close();
  }
}
