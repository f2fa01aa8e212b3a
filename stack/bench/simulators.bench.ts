import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../../lib/log.ts';
import { SimulatorConfigSchema } from '../../simulators/config.ts';
import { syntheticFleet } from '../../simulators/fleet.ts';
import { provisionFleet } from '../../simulators/scale/provision.ts';
import { startSimulator } from '../../simulators/service.ts';
import { loadStations } from '../../simulators/stations/load.ts';
import type { BenchSection } from '../../testkit/bench-section.ts';
import { startBrokerProcess } from '../../testkit/broker-process.ts';

const DEVICES = Number(process.env.BENCH_SIM_DEVICES ?? 10_000);
const TARGET_PER_S = Number(process.env.BENCH_SIM_RATE ?? 5_000);
const MEASURE_S = Number(process.env.BENCH_SIM_SECONDS ?? 20);

/**
 * Scale mode against our broker: 10,000 devices, each its own authenticated MQTT connection (cheap
 * scrypt), publishing QoS 1 at an aggregate 5,000 readings/s from this one process. The broker runs as
 * a child process with a 10k-device registry and its connection limit raised (one source address).
 */
const section: BenchSection = {
  name: 'simulators',
  order: 50,
  async run(log) {
    const dir = await mkdtemp(join(tmpdir(), 'sim-bench-'));
    const registryPath = join(dir, 'registry.json');
    let t = performance.now();
    const stations = syntheticFleet(DEVICES, loadStations());
    const credentials = await provisionFleet(registryPath, join(dir, 'credentials.json'), stations);
    log(`provisioned ${DEVICES} devices in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    const broker = await startBrokerProcess(
      {
        REGISTRY_PATH: registryPath,
        BROKER_WATCH_REGISTRY: 'false',
        BROKER_MAX_CONNECTIONS_PER_ADDRESS: String(DEVICES + 100),
        BROKER_PERSISTENCE_DIR: join(dir, 'broker'),
      },
      { echo: true },
    );
    try {
      t = performance.now();
      const simulator = await startSimulator(
        SimulatorConfigSchema.parse({
          mqttUrl: `mqtt://127.0.0.1:${broker.port}`,
          intervalMs: Math.round((DEVICES * 1000) / TARGET_PER_S),
          timeScale: 60,
          qos: 1,
          progressMs: 0,
          connectConcurrency: 200,
        }),
        stations,
        credentials,
        silentLogger(),
      );
      log(`connected ${DEVICES} devices in ${((performance.now() - t) / 1000).toFixed(1)} s`);
      try {
        // Let the schedule settle for one interval, then measure acknowledged publishes.
        await new Promise((r) => setTimeout(r, Math.max(2000, (DEVICES * 1000) / TARGET_PER_S)));
        const before = simulator.stats();
        const t0 = performance.now();
        for (let s = 0; s < MEASURE_S; s += 5) {
          await new Promise((r) => setTimeout(r, 5000));
          const now = simulator.stats();
          log(
            `${Math.round(((now.published - before.published) * 1000) / (performance.now() - t0))} readings/s, inflight ${now.inflight}, errors ${now.errors}`,
          );
        }
        const after = simulator.stats();
        const rate = ((after.published - before.published) * 1000) / (performance.now() - t0);
        // What the broker saw, not only what the client was told: live device sessions, nothing refused.
        const metrics = await broker.metrics();
        const denied = [...metrics].filter(([k, v]) => k.startsWith('broker_publish_denied_total') && v > 0);
        if (denied.length > 0) throw new Error(`the broker refused publishes: ${JSON.stringify(denied)}`);
        const sessions = metrics.get('broker_connections') ?? 0;
        log(`broker: ${sessions} connections, ${metrics.get('broker_messages_in_total')} messages in`);
        return { sim_devices: sessions, sim_readings_per_s: rate, sim_target_per_s: TARGET_PER_S };
      } finally {
        await simulator.close();
      }
    } finally {
      await broker.stop();
      await rm(dir, { recursive: true, force: true });
    }
  },
};

export default section;
