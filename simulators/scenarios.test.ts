import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type SimMessage, simulateFleet } from './core/stream.ts';
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

  it('clock skew: device time is off by offsetMs', () => {
    const f = fault('clock_skew') as Extract<Fault, { type: 'clock_skew' }>;
    const msgs = of(faulted, f);
    expect(msgs.length).toBeGreaterThan(0);
    for (const m of msgs) expect(m.ts - m.trueTs).toBe(f.offsetMs);
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
  it('gives the same stream for the same seed, and another for another seed', () => {
    const haze = byId('haze-episode');
    const a = simulateFleet(stations, { ...optionsOf(haze, 7), scenario: haze }, 24);
    const b = simulateFleet(stations, { ...optionsOf(haze, 7), scenario: haze }, 24);
    const c = simulateFleet(stations, { ...optionsOf(haze, 8), scenario: haze }, 24);
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    expect(JSON.stringify(a)).not.toBe(JSON.stringify(c));
  });
});
