import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../lib/log.ts';
import { waitFor } from '../lib/process/ports.ts';
import { influxCount, influxQuery } from '../testkit/influxd.ts';
import { type Pipeline, startPipeline } from '../testkit/pipeline.ts';
import { SimulatorConfigSchema } from './config.ts';
import { createStationStream } from './core/stream.ts';
import { type SimulatorService, startSimulator } from './service.ts';
import { loadStations, toRegistryDevices } from './stations/load.ts';

const stations = loadStations();
const ROUNDS = 3;
const INTERVAL_MS = 300;
const TIME_SCALE = 1440; // a simulated day per real minute

describe('simulator against the real pipeline (broker, ingest, influxd)', () => {
  let pipeline: Pipeline;
  let simulator: SimulatorService;
  const start = Date.now() - 3_600_000;

  beforeAll(async () => {
    pipeline = await startPipeline(toRegistryDevices(stations));
    const credentials = stations.map((s) => ({
      id: s.id,
      kind: s.kind,
      secret: pipeline.secrets.get(s.id) ?? '',
    }));
    simulator = await startSimulator(
      SimulatorConfigSchema.parse({
        mqttUrl: pipeline.mqttUrl,
        intervalMs: INTERVAL_MS,
        timeScale: TIME_SCALE,
        rounds: ROUNDS,
        seed: 5,
        start: new Date(start).toISOString(),
        progressMs: 0,
      }),
      stations,
      credentials,
      silentLogger(),
    );
    await simulator.done;
  });

  afterAll(async () => {
    await simulator?.close();
    await pipeline?.close();
  });

  it('stores every reading of every station, in each station format, through the real pipeline', async () => {
    const expected = (kind: string) => stations.filter((s) => s.kind === kind).length * ROUNDS;
    const counts = async () => ({
      air: await influxCount(pipeline.influx.url, pipeline.database, 'air_quality', 'pm25'),
      ww: await influxCount(pipeline.influx.url, pipeline.database, 'wastewater', 'bod'),
      wn: await influxCount(pipeline.influx.url, pipeline.database, 'water_network', 'pressure'),
    });
    await waitFor(
      async () => {
        const c = await counts();
        return (
          c.air === expected('air_quality') &&
          c.ww === expected('wastewater') &&
          c.wn === expected('water_network')
        );
      },
      20_000,
      'all simulated readings in influxd',
    ).catch(async (err: Error) => {
      throw new Error(`${err.message}: ${JSON.stringify(await counts())}`);
    });
    expect(simulator.stats()).toMatchObject({ published: stations.length * ROUNDS, errors: 0 });
  });

  it('carries accelerated time in device timestamps, and stores exactly the seeded stream', async () => {
    const station = stations.find((s) => s.id === 'wn-beji-01');
    if (!station) throw new Error('wn-beji-01 missing from the catalogue');
    const res = await influxQuery(
      pipeline.influx.url,
      `SELECT pressure, flow FROM water_network WHERE station = '${station.id}'`,
      pipeline.database,
    );
    const rows = res.results[0]?.series?.[0]?.values ?? [];
    expect(rows).toHaveLength(ROUNDS);
    const times = rows.map((r) => Date.parse(String(r[0])));
    // Consecutive readings of one station are one interval apart in real time, 1440 intervals in device time.
    expect((times[1] ?? 0) - (times[0] ?? 0)).toBe(INTERVAL_MS * TIME_SCALE);
    const index = stations.indexOf(station);
    const stream = createStationStream(station, {
      seed: 5,
      start,
      stepMs: INTERVAL_MS * TIME_SCALE,
      offsetMs: ((index * INTERVAL_MS) / stations.length) * TIME_SCALE,
    });
    for (const row of rows) {
      const m = stream.next();
      expect(Date.parse(String(row[0]))).toBe(m.ts);
      expect([row[1], row[2]]).toEqual([m.values.pressure, m.values.flow]);
    }
  });
});
