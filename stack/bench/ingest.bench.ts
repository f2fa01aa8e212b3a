import { rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchSection } from '../../testkit/bench-section.ts';
import { startLocalInfluxd } from '../../testkit/influxd.ts';
import { makeRegistry } from '../../testkit/pipeline.ts';
import { type Ctx, onCrash } from './ingest/context.ts';
import { e2eLatency } from './ingest/latency.ts';
import { nodeRed } from './ingest/node-red.ts';
import { outage } from './ingest/outage.ts';
import { rawInflux } from './ingest/raw-influx.ts';
import { LATENCY_RATE, MEASUREMENT, PHASES, READINGS, STATIONS, TAGS } from './ingest/settings.ts';
import { e2eThroughput } from './ingest/throughput.ts';

const VALIDITY_ROUNDS = Number(process.env.BENCH_VALIDITY_ROUNDS ?? 3);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

/** The phases in the order they run; each adds its figures to `out` (BENCH_INGEST_PHASES picks them). */
const phases: Record<string, (ctx: Ctx, out: Record<string, number>) => Promise<void>> = {
  async raw(ctx, out) {
    out.influx_raw_readings_per_s = await rawInflux(ctx);
    ctx.log(`influxd raw: ${out.influx_raw_readings_per_s.toFixed(0)} readings/s`);
  },
  async e2e(ctx, out) {
    const e2e = await e2eThroughput(ctx);
    out.e2e_readings_per_s = e2e.rate;
    out.e2e_broker_deliveries_per_reading = e2e.deliveries;
    ctx.log(`e2e: ${out.e2e_readings_per_s.toFixed(0)} readings/s`);
  },
  // What the validity stage costs (issue 15: at most 10 % of the e2e figure): the same e2e run with and
  // without the stage (no codes computed, no validity fields stored or forwarded), interleaved rounds
  // and medians, since one run of each swung by more than the cost (16.6k with vs 21.8k without, while
  // the run with the flows' session, which does more, made 19.5k).
  async e2e_no_validity(ctx, out) {
    const withStage: number[] = [];
    const without: number[] = [];
    for (let round = 1; round <= VALIDITY_ROUNDS; round++) {
      without.push((await e2eThroughput(ctx, 'ours', false, false)).rate);
      withStage.push((await e2eThroughput(ctx, 'ours', false, true)).rate);
      ctx.log(
        `validity round ${round}: ${withStage.at(-1)?.toFixed(0)} with, ${without.at(-1)?.toFixed(0)} without the stage`,
      );
    }
    out.e2e_validity_median_readings_per_s = median(withStage);
    out.e2e_no_validity_readings_per_s = median(without);
    out.validity_cost_pct = (1 - median(withStage) / median(without)) * 100;
    ctx.log(
      `validity stage: ${out.validity_cost_pct.toFixed(1)} % of the e2e figure (medians of ${VALIDITY_ROUNDS})`,
    );
  },
  async e2e_flows(ctx, out) {
    out.e2e_flows_readings_per_s = (await e2eThroughput(ctx, 'ours', true)).rate;
    ctx.log(`e2e with the flows' session: ${out.e2e_flows_readings_per_s.toFixed(0)} readings/s`);
  },
  async e2e_mosquitto(ctx, out) {
    out.e2e_mosquitto_readings_per_s = (await e2eThroughput(ctx, 'mosquitto')).rate;
    ctx.log(`e2e via mosquitto: ${out.e2e_mosquitto_readings_per_s.toFixed(0)} readings/s`);
  },
  async latency(ctx, out) {
    const { p50, p99 } = await e2eLatency(ctx);
    Object.assign(out, { e2e_p50_ms: p50, e2e_p99_ms: p99 });
    ctx.log(`latency at ${LATENCY_RATE}/s: p50 ${p50.toFixed(0)} ms, p99 ${p99.toFixed(0)} ms`);
  },
  async outage(ctx, out) {
    out.ingest_peak_rss_mb = await outage(ctx);
    ctx.log(`outage: ingest peak RSS ${out.ingest_peak_rss_mb.toFixed(0)} MB`);
  },
  async nodered(ctx, out) {
    out.nodered_batch_readings_per_s = await nodeRed(ctx);
    ctx.log(`node-red: ${out.nodered_batch_readings_per_s.toFixed(0)} readings/s`);
  },
};

/**
 * The whole pipeline against what it replaces: M stations -> our broker -> ingest (its own process)
 * -> influxd, versus Mosquitto -> Node-RED -> the same influxd, versus influxd's own write rate.
 * Every phase writes to a database of its own and checks that exactly what was sent is stored.
 */
const section: BenchSection = {
  name: 'ingest',
  order: 30,
  async run(log) {
    const work = await mkdtemp(join(tmpdir(), 'ingest-bench-'));
    const stations = Array.from({ length: STATIONS }, (_, i) => `wn-bench-${String(i).padStart(3, '0')}`);
    const cleanup: (() => Promise<unknown>)[] = [() => rm(work, { recursive: true, force: true })];
    const crashed = () => {
      for (const stop of onCrash) stop();
      rmSync(work, { recursive: true, force: true });
    };
    process.once('exit', crashed);
    cleanup.push(async () => {
      process.off('exit', crashed);
      onCrash.clear();
    });
    try {
      const registry = await makeRegistry(
        stations.map((id) => ({ id, kind: MEASUREMENT, ...TAGS })),
        { ingest: 'ingest', flows: 'flows' },
      );
      cleanup.push(() => registry.cleanup());
      const influx = await startLocalInfluxd({ dataDir: join(work, 'influxd') });
      onCrash.add(influx.kill);
      cleanup.push(() => influx.stop());
      const ctx: Ctx = { log, influx, registry, work, stations };
      const out: Record<string, number> = {};
      log(`${STATIONS} stations, ${READINGS} readings a throughput run, phases ${PHASES.join(', ')}`);
      for (const [name, phase] of Object.entries(phases)) if (PHASES.includes(name)) await phase(ctx, out);
      if (out.e2e_readings_per_s && out.nodered_batch_readings_per_s)
        out.ratio_vs_nodered = out.e2e_readings_per_s / out.nodered_batch_readings_per_s;
      if (out.e2e_readings_per_s && out.influx_raw_readings_per_s)
        out.ratio_vs_influx_raw = out.e2e_readings_per_s / out.influx_raw_readings_per_s;
      return out;
    } finally {
      for (const step of cleanup.reverse()) await step().catch(() => {});
    }
  },
};

export default section;
