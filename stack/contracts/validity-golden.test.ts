// Contract between the simulators and the ingest: the faults the simulators inject are the faults the
// ingest's validity stage flags, and their normal days are flagged nowhere. It lives in stack/, the one
// layer that may import both.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { IngestSettings } from '../../ingest/config.ts';
import type { Reading } from '../../ingest/core/reading.ts';
import { createValidityStage } from '../../ingest/core/validity.ts';
import { findKind } from '../../lib/catalogue/index.ts';
import { loadStandards } from '../../lib/standards/index.ts';
import { ValidityCodes as C, MIXED_CODES } from '../../lib/validity/codes.ts';
import { clockRule } from '../../lib/validity/rules.ts';
import { type SimMessage, simulateFleet } from '../../simulators/core/stream.ts';
import { type Fault, loadScenario, type Scenario } from '../../simulators/scenarios/schema.ts';
import { loadStations } from '../../simulators/stations/load.ts';

const stations = loadStations();
const scenarioDir = join(import.meta.dirname, '../../simulators/scenarios');
const scenarios = readdirSync(scenarioDir)
  .filter((f) => f.endsWith('.json'))
  .map((f) => loadScenario(join(scenarioDir, f)));
const EXPECTED = join(import.meta.dirname, 'testdata/sensor-faults-validity.json');
const SEED = 1;
const MIN = 60_000;

/** The ingest's default clock rule: the contract holds for the settings it ships with. */
const clock = clockRule(
  IngestSettings.validity.clockAheadMs.default as number,
  IngestSettings.validity.clockBehindMs.default as number,
);

type Coded = { m: SimMessage; copy: number; field: string; code: number };

/**
 * Every copy the devices send (a dropout sends none, a duplicate two), in each station's order, through
 * one validity stage; the device sends on time, so arrival is the reading's true time and device time
 * is what its clock says.
 */
function runDay(scenario: Scenario | undefined, start: number, stepMs: number, hours: number): Coded[] {
  const stage = createValidityStage({ clock, standards: loadStandards() });
  const out: Coded[] = [];
  for (const m of simulateFleet(stations, { seed: SEED, start, stepMs, scenario }, hours)) {
    for (let copy = 0; copy < m.copies; copy++) {
      const reading: Reading = {
        kind: m.station.kind,
        station: m.station.id,
        ts: m.ts,
        values: { ...m.values },
        tags: {},
      };
      stage.assign(reading, m.trueTs);
      for (const [field, code] of Object.entries(reading.validity ?? {})) out.push({ m, copy, field, code });
    }
  }
  return out;
}

/** Non-zero codes as `{station: {field: {code: "seq ranges"}}}`: a diff names the readings that changed. */
function summarize(coded: Coded[]) {
  const seqs = new Map<string, number[]>();
  for (const { m, copy, field, code } of coded) {
    if (code === C.valid || copy > 0) continue;
    const key = [m.station.id, field, code].join(' ');
    seqs.set(key, [...(seqs.get(key) ?? []), m.seq]);
  }
  const flagged: Record<string, Record<string, Record<string, string>>> = {};
  for (const key of [...seqs.keys()].sort()) {
    const [station = '', field = '', code = ''] = key.split(' ');
    const fields = flagged[station] ?? {};
    fields[field] = { ...fields[field], [code]: ranges(seqs.get(key) ?? []) };
    flagged[station] = fields;
  }
  return { values: coded.length, valid: coded.filter((c) => c.code === C.valid).length, flagged };
}

/** [1, 2, 3, 7] -> "1-3,7". */
function ranges(seqs: number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < seqs.length; ) {
    let j = i;
    while (j + 1 < seqs.length && seqs[j + 1] === (seqs[j] as number) + 1) j++;
    parts.push(i === j ? `${seqs[i]}` : `${seqs[i]}-${seqs[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}

describe('validity codes over the simulated sensor-faults day', () => {
  const scenario = scenarios.find((s) => s.id === 'sensor-faults') as Scenario;
  const coded = runDay(scenario, Date.parse(scenario.start), scenario.stepMin * MIN, scenario.durationH);
  const fault = (type: Fault['type']) =>
    scenario.faults.find((f) => f.type === type) as Fault & { field?: string };

  it('matches the committed codes (UPDATE_GOLDEN=1 rewrites testdata/sensor-faults-validity.json)', () => {
    const summary = summarize(coded);
    if (process.env.UPDATE_GOLDEN === '1') writeFileSync(EXPECTED, `${JSON.stringify(summary, null, 2)}\n`);
    expect(summary).toEqual(JSON.parse(readFileSync(EXPECTED, 'utf8')));
  });

  it('gives exactly the code each fault window calls for, and 0 everywhere else', () => {
    const stuck = fault('stuck');
    const spikes = fault('spikes');
    const stuckN = findKind('air_quality')?.fields[stuck.field as string]?.validity?.flatLineCount as number;
    let stuckSeen = 0;
    const mismatches: string[] = [];
    const counts = { stuck: 0, spike: 0, clock: 0, drift: 0, duplicate: 0, afterDropout: 0 };
    let lastWwLimo = -1;
    for (const { m, copy, field, code } of coded) {
      let expected: number = C.valid;
      if (m.faults.includes('clock_skew')) {
        expected = C.clockSkew; // ten minutes fast: every value, every field
        counts.clock++;
      } else if (m.faults.includes('spike') && field === spikes.field) {
        expected = C.spike;
        counts.spike++;
      } else if (m.faults.includes('stuck') && field === stuck.field) {
        // The stuck value is the run's first; the flatLineCount-th identical one is the first flagged.
        if (copy === 0) stuckSeen++;
        expected = stuckSeen >= stuckN ? C.flatLine : C.valid;
        counts.stuck += expected === C.flatLine ? 1 : 0;
      } else {
        if (m.faults.includes('drift') && field === fault('drift').field) counts.drift++; // too slow to see
        if (copy > 0) counts.duplicate++;
        if (m.station.id === 'ww-ipal-limo' && field === 'ph' && lastWwLimo >= 0 && m.seq - lastWwLimo > 1)
          counts.afterDropout++;
      }
      if (m.station.id === 'ww-ipal-limo' && field === 'ph') lastWwLimo = m.seq;
      if (code !== expected)
        mismatches.push(`${m.station.id} ${field} seq ${m.seq}: ${code}, expected ${expected}`);
    }
    expect(mismatches).toEqual([]);
    // Each fault was there to be seen (the scenario could change under this test).
    const windowReadings =
      ((stuck as { toH: number }).toH - (stuck as { fromH: number }).fromH) * (60 / scenario.stepMin);
    expect(counts.stuck).toBe(windowReadings - (stuckN - 1));
    expect(counts.spike).toBeGreaterThan(10);
    expect(counts.clock).toBeGreaterThan(1000);
    expect(counts.drift).toBeGreaterThan(200);
    expect(counts.duplicate).toBeGreaterThan(50);
    expect(counts.afterDropout).toBeGreaterThan(0);
  });
});

describe('validity codes over days without sensor faults', () => {
  const events = scenarios.filter((s) => s.faults.length === 0);

  it.each(events.map((s) => [s.id, s] as const))(
    '%s: nothing flagged, at its own step and at the 1-minute reporting interval',
    (_, scenario) => {
      const start = Date.parse(scenario.start);
      for (const [stepMs, hours] of [
        [scenario.stepMin * MIN, scenario.durationH],
        [MIN, Math.min(scenario.durationH, 24)],
      ] as const) {
        const flagged = runDay(scenario, start, stepMs, hours).filter((c) => c.code !== C.valid);
        expect(
          flagged.slice(0, 5).map((c) => `${c.m.station.id} ${c.field} seq ${c.m.seq}: ${c.code}`),
        ).toEqual([]);
      }
    },
  );

  it('two normal weeks: nothing flagged', () => {
    const flagged = runDay(undefined, Date.parse('2026-07-06T00:00:00+07:00'), 5 * MIN, 14 * 24).filter(
      (c) => c.code !== C.valid,
    );
    expect(flagged.slice(0, 5).map((c) => `${c.m.station.id} ${c.field} seq ${c.m.seq}: ${c.code}`)).toEqual(
      [],
    );
  });
});

describe('the README tables', () => {
  it('give every code (ingest/README.md "Validity codes", and the InfluxDB contract in README.md)', () => {
    const ingestReadme = readFileSync(join(import.meta.dirname, '../../ingest/README.md'), 'utf8');
    const readme = readFileSync(join(import.meta.dirname, '../../README.md'), 'utf8');
    for (const [name, code] of Object.entries(C)) {
      expect(ingestReadme, name).toMatch(new RegExp(`^\\| ${code} \\| \`${name}\` \\|`, 'm'));
    }
    expect(ingestReadme).toMatch(new RegExp(`^\\| ${MIXED_CODES} \\| \\(on \`validity\` only\\) \\|`, 'm'));
    expect(readme).toMatch(/<field>_validity/);
  });
});
