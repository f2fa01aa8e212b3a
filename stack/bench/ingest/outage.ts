import { readFile } from 'node:fs/promises';
import { publishPaced } from '../../../testkit/load.ts';
import { sampleValue } from '../../../testkit/prometheus-text.ts';
import { type Ctx, untilStored } from './context.ts';
import { startOurs } from './ours.ts';
import { baseTs, OUTAGE_RATE, OUTAGE_S } from './settings.ts';

async function rssKb(pid: number, field: 'VmRSS' | 'VmHWM'): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
}

/**
 * InfluxDB stopped (SIGKILL) while 2,000 readings/s keep coming for BENCH_OUTAGE_S seconds; then it
 * comes back and everything must drain with zero loss. The figure is the ingest process's peak RSS
 * (VmHWM, the kernel's high-water mark, which sampling cannot miss) over its whole life.
 */
export async function outage(ctx: Ctx): Promise<number> {
  const db = 'bench_outage';
  const ours = await startOurs(ctx, db);
  try {
    const total = OUTAGE_RATE * OUTAGE_S;
    const mb = async (field: 'VmRSS' | 'VmHWM') =>
      `${((await rssKb(ours.ingest.pid, field)) / 1024).toFixed(0)} MB`;
    ctx.log(`outage: ingest RSS ${await mb('VmRSS')} before (peak so far ${await mb('VmHWM')})`);
    await ctx.influx.kill();
    ctx.log(`outage: influxd stopped; ${total} readings at ${OUTAGE_RATE}/s`);
    const ticker = setInterval(async () => ctx.log(`outage: ingest RSS ${await mb('VmRSS')}`), 5000);
    await publishPaced(ours.devices, { ratePerSec: OUTAGE_RATE, total, baseTs: baseTs() }).finally(() =>
      clearInterval(ticker),
    );
    const spooled = sampleValue(await ours.ingest.metrics(), 'ingest_spool_readings');
    ctx.log(
      `outage: all acknowledged, ${spooled} readings in the spool, RSS ${((await rssKb(ours.ingest.pid, 'VmRSS')) / 1024).toFixed(0)} MB; influxd back`,
    );
    const back = performance.now();
    await ctx.influx.start();
    await untilStored(ctx, db, total + 1, 120_000);
    ctx.log(`outage: drained ${((performance.now() - back) / 1000).toFixed(1)} s after influxd restarted`);
    return (await rssKb(ours.ingest.pid, 'VmHWM')) / 1024;
  } finally {
    await ours.close();
  }
}
