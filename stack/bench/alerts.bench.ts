import type { MqttClient } from 'mqtt';
import { waitFor } from '../../lib/process/ports.ts';
import type { NewDevice } from '../../lib/registry/provision.ts';
import type { BenchSection } from '../../testkit/bench-section.ts';
import { recorder, startFlowsHarness } from '../../testkit/flows-harness.ts';
import { sampleValue } from '../../testkit/prometheus-text.ts';

const RATE = Number(process.env.BENCH_ALERTS_RATE ?? 5000); // background readings per second
const WARMUP_MS = 5000;
const MEASURE_MS = Number(process.env.BENCH_ALERTS_MEASURE_MS ?? 40_000);
const PER_KIND = 20;

// Background readings inside every limit, so only the probe's readings cross a threshold.
const quiet: Record<string, () => Record<string, number>> = {
  air_quality: () => ({
    pm25: 20 + Math.random() * 10,
    pm10: 40,
    no2: 30,
    so2: 10,
    co: 600,
    o3: 40,
    temperature: 29,
  }),
  wastewater: () => ({ ph: 7.2, bod: 12, cod: 50, tss: 15, nh3n: 3, oil_grease: 1, flow: 10 }),
  water_network: () => ({
    pressure: 2.5 + Math.random() * 0.1,
    flow: 40,
    free_chlorine: 0.35,
    turbidity: 0.6,
    ph: 7.4,
  }),
};

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

/**
 * Alert latency: a device publishes a reading over a threshold (turbidity > 3 NTU) and we time
 * until the alert arrives on MQTT, through the real broker, ingest, Node-RED and back, while
 * 5,000 readings/s of background load flow through the same path.
 */
const section: BenchSection = {
  name: 'alerts',
  order: 50,
  async run(log) {
    const background: NewDevice[] = [];
    for (const kind of Object.keys(quiet)) {
      for (let i = 0; i < PER_KIND; i++) background.push({ id: `bg-${kind.replace('_', '-')}-${i}`, kind });
    }
    const h = await startFlowsHarness([...background, { id: 'probe', kind: 'water_network' }], {
      config: { tickMs: 1000, snapshotMs: 10_000 },
    });
    let pump: NodeJS.Timeout | undefined;
    try {
      const watch = await recorder(h.pipeline, ['alerts/water_network/probe/turbidity-high']);
      const clients: [MqttClient, string][] = [];
      for (const d of background) clients.push([await h.pipeline.device(d.id), `sensors/${d.kind}/${d.id}`]);
      const probe = await h.pipeline.device('probe');
      const kinds = background.map((d) => d.kind);

      let sent = 0;
      const started = performance.now();
      pump = setInterval(() => {
        const due = Math.floor(((performance.now() - started) / 1000) * RATE);
        for (; sent < due; sent++) {
          const i = sent % clients.length;
          const [client, topic] = clients[i] as [MqttClient, string];
          const values = quiet[kinds[i] as string]?.() ?? {};
          client.publish(topic, JSON.stringify({ ts: Date.now(), values }), { qos: 1 });
        }
      }, 5);

      const readings0 = await h.readings();
      await new Promise((r) => setTimeout(r, WARMUP_MS));
      const ingestReceived = async () =>
        sampleValue(
          await (await fetch(`http://127.0.0.1:${h.pipeline.ingest.httpPort}/metrics`)).text(),
          'ingest_messages_received_total',
        );
      log(
        `warm-up done: ${sent} background readings sent, ingest took ${await ingestReceived()}, flows ${(await h.readings()) - readings0}`,
      );
      const raise: number[] = [];
      const clear: number[] = [];
      const measureStart = performance.now();
      const processed0 = await h.readings();
      let value = 0;
      let lost = 0;
      const arrivedAt = (from: number, target: string) =>
        watch.messages.slice(from).find((m) => m.payload.includes(`"state":"${target}"`))?.at;
      while (performance.now() - measureStart < MEASURE_MS) {
        for (const [target, level, samples] of [
          ['raised', 5 + (value++ % 3), raise],
          ['cleared', 0.5, clear],
        ] as const) {
          // A probe reading that never comes back is counted and sent again (fresh device time),
          // so one loss does not end the run; the figure alert_probe_lost reports it.
          for (let attempt = 0; ; attempt++) {
            const seen = watch.messages.length;
            const t0 = performance.now();
            await probe.publishAsync(
              'sensors/water_network/probe',
              JSON.stringify({ ts: Date.now(), values: { turbidity: level } }),
              { qos: 1 },
            );
            const ok = await waitFor(
              () => arrivedAt(seen, target) !== undefined,
              3000,
              `probe ${target}`,
            ).then(
              () => true,
              () => false,
            );
            if (ok) {
              samples.push((arrivedAt(seen, target) as number) - t0);
              break;
            }
            lost++;
            if (attempt >= 3) throw new Error(`probe ${target} lost ${attempt + 1} times in a row`);
          }
        }
        await new Promise((r) => setTimeout(r, 50));
      }
      const elapsedS = (performance.now() - measureStart) / 1000;
      const processed = (await h.readings()) - processed0;
      clearInterval(pump);
      log(
        `${raise.length} alerts timed; ingest took ${await ingestReceived()}, flows ${processed} in ${elapsedS.toFixed(0)} s`,
      );
      raise.sort((a, b) => a - b);
      clear.sort((a, b) => a - b);
      await watch.client.endAsync(true);
      return {
        alert_latency_p50_ms: percentile(raise, 50),
        alert_latency_p99_ms: percentile(raise, 99),
        alert_clear_latency_p99_ms: percentile(clear, 99),
        alert_background_readings_per_s: processed / elapsedS,
        alert_samples: raise.length,
        alert_probe_lost: lost,
      };
    } finally {
      clearInterval(pump);
      await h.close();
    }
  },
};

export default section;
