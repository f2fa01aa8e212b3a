// Contract between two services: what the simulators send is what the ingest accepts (and refuses).
// It lives in stack/, the one layer that may import both.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeMessage } from '../../ingest/core/decode.ts';
import { topics } from '../../lib/catalogue/topics.ts';
import { type SimMessage, simulateFleet } from '../../simulators/core/stream.ts';
import { encodeNative, encoders } from '../../simulators/encode/payload.ts';
import { type Fault, loadScenario, type Scenario } from '../../simulators/scenarios/schema.ts';
import { loadStations } from '../../simulators/stations/load.ts';

const stations = loadStations();
const dir = join(import.meta.dirname, '../../simulators/scenarios');
const scenarios = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .map((f) => loadScenario(join(dir, f)));
const optionsOf = (s: Scenario, seed = 1) => ({
  seed,
  start: Date.parse(s.start),
  stepMs: s.stepMin * 60_000,
});

describe('simulated payloads against the ingest decoder', () => {
  const decodeCtx = (now: number) => ({
    now,
    time: { maxPastMs: 30 * 86_400_000, maxFutureMs: 300_000 },
    maxPayloadBytes: 65536,
  });

  it('clock skew: the ingest rejects a skewed device time as a real one would', () => {
    const scenario = scenarios.find((s) => s.id === 'sensor-faults') as Scenario;
    const f = scenario.faults.find((x) => x.type === 'clock_skew') as Fault;
    const faulted = simulateFleet(stations, { ...optionsOf(scenario), scenario }, scenario.durationH);
    const m = faulted.find((x) => f.targets.stations?.includes(x.station.id)) as SimMessage;
    const result = decodeMessage(
      topics.reading(m.station.kind, m.station.id),
      Buffer.from(encodeNative({ ...m, station: m.station.id, kind: m.station.kind })),
      decodeCtx(m.trueTs),
    );
    expect(result).toMatchObject({ ok: false, reason: 'timestamp_out_of_bounds' });
  });

  it('every simulated value passes the catalogue validation outside fault scenarios, in every format', () => {
    let checked = 0;
    const runs: { scenario?: Scenario; hours: number; start: number }[] = [
      { hours: 14 * 24, start: Date.parse('2026-07-06T00:00:00+07:00') },
      ...scenarios
        .filter((s) => s.faults.length === 0)
        .map((s) => ({ scenario: s, hours: s.durationH, start: Date.parse(s.start) })),
    ];
    for (const run of runs) {
      const msgs = simulateFleet(
        stations,
        { seed: 3, start: run.start, stepMs: 20 * 60_000, scenario: run.scenario },
        run.hours,
      );
      for (const m of msgs) {
        const format = m.station.format ?? 'native';
        const payload = encoders[format]({
          station: m.station.id,
          kind: m.station.kind,
          ts: m.ts,
          seq: m.seq,
          values: m.values,
        });
        const result = decodeMessage(
          topics.reading(m.station.kind, m.station.id),
          Buffer.from(payload),
          decodeCtx(m.ts + 1000),
        );
        if (!result.ok) throw new Error(`${m.station.id} (${format}) ${JSON.stringify(result)} ${payload}`);
        // What the ingest stores is what the model said (SenML and Sensor.Community round trip within rounding).
        const stored = result.readings[0]?.values ?? {};
        for (const [name, value] of Object.entries(stored))
          expect(value).toBeCloseTo(m.values[name] ?? Number.NaN, 1);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(40_000);
  });
});
