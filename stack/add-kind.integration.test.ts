import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeMessage } from '../ingest/core/decode.ts';
import { findKind } from '../lib/catalogue/index.ts';
import { topics } from '../lib/catalogue/topics.ts';
import { silentLogger } from '../lib/log.ts';
import { waitFor } from '../lib/process/ports.ts';
import { SimulatorConfigSchema } from '../simulators/config.ts';
import { simulateFleet } from '../simulators/core/stream.ts';
import { loadKindFolder } from '../simulators/kind-folder.ts';
import { type SimulatorService, startSimulator } from '../simulators/service.ts';
import { toRegistryDevices } from '../simulators/stations/load.ts';
import { influxCount, influxQuery } from '../testkit/influxd.ts';
import { type Pipeline, startPipeline } from '../testkit/pipeline.ts';

// The README's walk-through, done by a test: a river water-level kind added by data alone.
const { kind, stations } = loadKindFolder(join(import.meta.dirname, '../simulators/testdata/river-level'));
const ROUNDS = 4;

describe('adding a kind by data (river water level)', () => {
  it('registers the catalogue entry, and its simulated values pass the catalogue validation', () => {
    expect(findKind('river_level')).toBe(kind);
    const msgs = simulateFleet(
      stations,
      { seed: 1, start: Date.now() - 7 * 86_400_000, stepMs: 600_000 },
      7 * 24,
    );
    for (const m of msgs) {
      const payload = Buffer.from(JSON.stringify({ ts: m.ts, values: m.values }));
      const result = decodeMessage(topics.reading(kind.id, m.station.id), payload, {
        now: Date.now(),
        time: { maxPastMs: 8 * 86_400_000, maxFutureMs: 60_000 },
        maxPayloadBytes: 65536,
      });
      expect(result.ok, JSON.stringify(result)).toBe(true);
    }
    const decodeExample = (payload: unknown) =>
      decodeMessage(topics.reading(kind.id, 'x'), Buffer.from(JSON.stringify(payload)), {
        now: 1795834800000,
        time: { maxPastMs: 86_400_000, maxFutureMs: 60_000 },
        maxPayloadBytes: 65536,
      });
    for (const example of kind.examples.valid)
      expect(decodeExample(example.payload), example.title).toMatchObject({ ok: true });
    for (const example of kind.examples.invalid)
      expect(decodeExample(example.payload)).toMatchObject({ ok: false, reason: example.reason });
    // The SenML name comes from the field in kind.json (`senml.names`), not from a decoder table.
    const senml = decodeExample([{ bt: 1795834800, n: 'temp', u: 'K', v: 300 }]);
    expect(senml).toMatchObject({ ok: true, readings: [{ values: { temperature: 26.85 } }] });
  });

  describe('end to end through the real broker, ingest and influxd', () => {
    let pipeline: Pipeline;
    let simulator: SimulatorService;

    beforeAll(async () => {
      pipeline = await startPipeline(toRegistryDevices(stations));
      simulator = await startSimulator(
        SimulatorConfigSchema.parse({
          mqttUrl: pipeline.mqttUrl,
          intervalMs: 200,
          rounds: ROUNDS,
          timeScale: 300,
          progressMs: 0,
        }),
        stations,
        stations.map((s) => ({ id: s.id, kind: s.kind, secret: pipeline.secrets.get(s.id) ?? '' })),
        silentLogger(),
      );
      await simulator.done;
    });

    afterAll(async () => {
      await simulator?.close();
      await pipeline?.close();
    });

    it('stores every simulated reading in its own measurement with the registry tags', async () => {
      await waitFor(
        async () =>
          (await influxCount(pipeline.influx.url, pipeline.database, 'river_level', 'water_level')) ===
          stations.length * ROUNDS,
        20_000,
        'river_level readings in influxd',
      );
      const res = await influxQuery(
        pipeline.influx.url,
        `SELECT LAST(water_level) FROM river_level GROUP BY station, district, operator`,
        pipeline.database,
      );
      const series = res.results[0]?.series ?? [];
      expect(series.map((s) => s.tags?.station).sort()).toEqual(stations.map((s) => s.id).sort());
      expect(series[0]?.tags?.operator).toBe('BBWS Ciliwung-Cisadane');
    });

    it('rejects an out-of-range reading of the new kind with a reason', async () => {
      const station = stations[0];
      if (!station) throw new Error('no station');
      const watcher = await pipeline.connect('dashboard');
      try {
        const letters: { reason: string }[] = [];
        watcher.on('message', (_topic, payload) => letters.push(JSON.parse(payload.toString())));
        await watcher.subscribeAsync(topics.rejected(kind.id, station.id), { qos: 1 });
        const device = await pipeline.device(station.id);
        await device.publishAsync(
          topics.reading(kind.id, station.id),
          JSON.stringify({ ts: Date.now(), values: { water_level: 120 } }),
          { qos: 1 },
        );
        await waitFor(() => letters.length > 0, 10_000, 'the dead letter');
        expect(letters[0]?.reason).toBe('out_of_range');
      } finally {
        await watcher.endAsync(true);
      }
    });
  });
});
