import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeMessage } from '../ingest/core/decode.ts';
import { topics } from '../lib/catalogue/topics.ts';
import { type SimMessage, simulateFleet } from './core/stream.ts';
import { encodeNative, encoders } from './encode/payload.ts';
import { scenarioProblems } from './scenarios/check.ts';
import { type Fault, loadScenario, type Scenario } from './scenarios/schema.ts';
import { checkSignature } from './scenarios/signature.ts';
import { loadStations } from './stations/load.ts';

const stations = loadStations();
const dir = join(import.meta.dirname, 'scenarios');
const scenarios = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .map((f) => loadScenario(join(dir, f)));
const byId = (id: string) => scenarios.find((s) => s.id === id) as Scenario;
const optionsOf = (s: Scenario, seed = 1) => ({
  seed,
  start: Date.parse(s.start),
  stepMs: s.stepMin * 60_000,
});
const HOUR_MS = 3_600_000;

describe('scenario files', () => {
  it('ships the scenarios the issue asks for', () => {
    expect(scenarios.map((s) => s.id).sort()).toEqual(
      ['haze-episode', 'pipe-burst', 'plant-failure', 'sensor-faults', 'slow-leak'].sort(),
    );
  });

  for (const scenario of scenarios) {
    describe(scenario.id, () => {
      it('fits the Depok station catalogue (targets, drivers, fields resolve)', () => {
        expect(scenarioProblems(scenario, stations)).toEqual([]);
      });

      for (const seed of [1, 42]) {
        it(`produces the signature its file claims (seed ${seed})`, () => {
          for (const result of checkSignature(scenario, stations, seed)) {
            expect(
              result.ok,
              `${result.station}.${result.field} ${result.stat}: ${result.value} (baseline ${result.baseline}) - ${result.why}`,
            ).toBe(true);
          }
        });
      }
    });
  }

  it('takes PM2.5 to ISPU Tidak Sehat or worse during the haze episode', () => {
    const haze = byId('haze-episode');
    const msgs = simulateFleet(
      stations.filter((s) => s.kind === 'air_quality'),
      { ...optionsOf(haze), scenario: haze },
      haze.durationH,
    );
    // Every air-quality station has at least one hour above 55.4 ug/m3 (ISPU > 100) at the height.
    for (const station of stations.filter((s) => s.kind === 'air_quality')) {
      const peak = msgs
        .filter((m) => m.station.id === station.id && m.trueTs - Date.parse(haze.start) >= 24 * HOUR_MS)
        .map((m) => m.values.pm25 ?? 0);
      expect(Math.max(...peak), station.id).toBeGreaterThan(55.4);
    }
  });
});

describe('sensor faults appear as described', () => {
  const scenario = byId('sensor-faults');
  const faulted = simulateFleet(stations, { ...optionsOf(scenario), scenario }, scenario.durationH);
  const clean = simulateFleet(stations, optionsOf(scenario), scenario.durationH);
  const start = Date.parse(scenario.start);
  const fault = (type: Fault['type']) => scenario.faults.find((f) => f.type === type) as Fault;
  const of = (msgs: SimMessage[], f: Fault) => msgs.filter((m) => f.targets.stations?.includes(m.station.id));
  const inWindow = (m: SimMessage, f: Fault) => {
    const h = (m.trueTs - start) / HOUR_MS;
    return h >= f.fromH && h < f.toH;
  };

  it('stuck: the field freezes for the window, then moves again', () => {
    const f = fault('stuck') as Extract<Fault, { type: 'stuck' }>;
    const msgs = of(faulted, f);
    const frozen = new Set(msgs.filter((m) => inWindow(m, f)).map((m) => m.values[f.field]));
    expect(frozen.size).toBe(1);
    expect(new Set(msgs.filter((m) => !inWindow(m, f)).map((m) => m.values[f.field])).size).toBeGreaterThan(
      20,
    );
  });

  it('drift: the error grows by perHour', () => {
    const f = fault('drift') as Extract<Fault, { type: 'drift' }>;
    const a = of(faulted, f);
    const b = of(clean, f);
    a.forEach((m, i) => {
      const h = (m.trueTs - start) / HOUR_MS;
      const error = (m.values[f.field] ?? 0) - (b[i]?.values[f.field] ?? 0);
      expect(error).toBeCloseTo(inWindow(m, f) ? f.perHour * (h - f.fromH) : 0, 2);
    });
  });

  it('spikes: a share of readings near `probability` is multiplied by `factor`', () => {
    const f = fault('spikes') as Extract<Fault, { type: 'spikes' }>;
    const a = of(faulted, f);
    const b = of(clean, f);
    const spiked = a.filter((m, i) => m.values[f.field] !== b[i]?.values[f.field]);
    expect(spiked.length / a.length).toBeGreaterThan(f.probability / 2);
    expect(spiked.length / a.length).toBeLessThan(f.probability * 2);
    for (const m of spiked)
      expect(m.values[f.field]).toBeCloseTo((b[m.seq]?.values[f.field] ?? 0) * f.factor, 1);
  });

  it('dropout: nothing is sent in the window', () => {
    const f = fault('dropout');
    for (const m of of(faulted, f)) expect(m.copies).toBe(inWindow(m, f) ? 0 : 1);
  });

  it('clock skew: device time is off by offsetMs, and the ingest rejects it as a real one would', () => {
    const f = fault('clock_skew') as Extract<Fault, { type: 'clock_skew' }>;
    const msgs = of(faulted, f);
    for (const m of msgs) expect(m.ts - m.trueTs).toBe(f.offsetMs);
    const m = msgs[0] as SimMessage;
    const result = decodeMessage(
      topics.reading(m.station.kind, m.station.id),
      Buffer.from(encodeNative({ ...m, station: m.station.id, kind: m.station.kind })),
      {
        now: m.trueTs,
        time: { maxPastMs: 30 * 86_400_000, maxFutureMs: 300_000 },
        maxPayloadBytes: 65536,
      },
    );
    expect(result).toMatchObject({ ok: false, reason: 'timestamp_out_of_bounds' });
  });

  it('duplicate: about `probability` of messages are sent twice, with the same seq and time', () => {
    const f = fault('duplicate') as Extract<Fault, { type: 'duplicate' }>;
    const msgs = of(faulted, f);
    const share = msgs.filter((m) => m.copies === 2).length / msgs.length;
    expect(share).toBeGreaterThan(f.probability / 2);
    expect(share).toBeLessThan(f.probability * 1.5);
  });

  it('leaves every other station untouched', () => {
    const touched = new Set(scenario.faults.flatMap((f) => f.targets.stations ?? []));
    const others = (msgs: SimMessage[]) => msgs.filter((m) => !touched.has(m.station.id));
    expect(others(faulted)).toEqual(others(clean));
  });
});

describe('validity and determinism', () => {
  const decodeCtx = (now: number) => ({
    now,
    time: { maxPastMs: 30 * 86_400_000, maxFutureMs: 300_000 },
    maxPayloadBytes: 65536,
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

  it('gives the same stream for the same seed, and another for another seed', () => {
    const haze = byId('haze-episode');
    const a = simulateFleet(stations, { ...optionsOf(haze, 7), scenario: haze }, 24);
    const b = simulateFleet(stations, { ...optionsOf(haze, 7), scenario: haze }, 24);
    const c = simulateFleet(stations, { ...optionsOf(haze, 8), scenario: haze }, 24);
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    expect(JSON.stringify(a)).not.toBe(JSON.stringify(c));
  });
});
