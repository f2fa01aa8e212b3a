import { describe, expect, it } from 'vitest';
import { loadStandards } from '../../lib/standards/index.ts';
import { createEngine, type Reading } from './engine.ts';
import { buildRuleSet, parseOverrides, parseRulesFile } from './rules-build.ts';

// Readings reach the flows at least once (issue 13): the broker redelivers what Node-RED had not
// acknowledged, and the ingest forwards again what the broker redelivers to it. A copy of a reading
// (same station, same device time) must change nothing. Stale rules work on arrival time by design
// (a copy does prove the link is up), so they are left out here.
const rules = {
  rules: [
    { id: 'bod-high', type: 'threshold', kind: 'wastewater', field: 'bod', max: 30, minDurationS: 120 },
    {
      id: 'p68',
      type: 'compliance',
      kind: 'wastewater',
      standard: 'id-ID-permenlhk-p68-2016-domestic-wastewater',
      exclude: ['flow'],
    },
    {
      id: 'pm25-1h',
      type: 'mean',
      kind: 'air_quality',
      field: 'pm25',
      averaging: '1h',
      max: 55,
      minCoverage: 0.5,
    },
    { id: 'ispu', type: 'ispu', kind: 'air_quality', pollutants: { pm25: {} }, minCoverage: 0.25 },
    { id: 'pressure-drop', type: 'rate', kind: 'water_network', field: 'pressure', change: 1, windowS: 300 },
  ],
};
const standards = loadStandards();
const engine = () =>
  createEngine({
    rules: buildRuleSet(parseRulesFile(rules), parseOverrides({}), standards),
    escalateAfterMs: 0,
  });

const MINUTE = 60_000;
const t0 = Date.parse('2027-01-15T00:00:00Z');

/** Nine hours of one reading a minute per station, crossing every limit several times. */
function stream(): Reading[] {
  const out: Reading[] = [];
  for (let i = 0; i < 540; i++) {
    const ts = t0 + i * MINUTE;
    const wave = Math.sin(i / 45);
    out.push(
      { kind: 'air_quality', station: 'aq-01', ts, values: { pm25: 50 + 35 * wave + (i % 7) * 4 } },
      {
        kind: 'wastewater',
        station: 'ww-01',
        ts,
        values: { bod: 25 + 12 * wave + (i % 5), ph: 5.5 + (i % 13) / 3 },
      },
      {
        kind: 'water_network',
        station: 'wn-01',
        ts,
        values: { pressure: i % 60 < 50 ? 2.5 + (i % 3) / 10 : 1 },
      },
    );
  }
  return out;
}

/** Arrival: a reading arrives 2 s after its device time; a redelivered copy arrives later still. */
const arrival = (r: Reading) => r.ts + 2000;

describe('redelivered readings (at least once to the flows)', () => {
  it('change no alert, no mean, no compliance verdict and no ISPU', () => {
    const readings = stream();
    const once = engine();
    const expected = readings.map((r) => once.onReading(r, arrival(r)));
    // The stream crosses limits of every type: there is something to get wrong.
    const transitions = expected.flatMap((fx) => fx.events.map((e) => `${e.alert.rule}:${e.event}`));
    for (const rule of ['bod-high', 'p68-ph', 'pm25-1h', 'ispu', 'pressure-drop'])
      expect(transitions, rule).toContain(`${rule}:raised`);
    // The station ISPU is the highest of the last 24 h: it does not clear within these nine hours.
    for (const rule of ['bod-high', 'p68-ph', 'pm25-1h', 'pressure-drop'])
      expect(transitions, rule).toContain(`${rule}:cleared`);
    expect(expected.some((fx) => fx.mqtt.some((m) => m.topic.startsWith('readings/ispu/')))).toBe(true);

    const twice = engine();
    readings.forEach((r, i) => {
      expect(twice.onReading(r, arrival(r)), `reading ${i}`).toEqual(expected[i]);
      // The same reading again at once (a QoS 1 resend), and every 37th a replay of the last 30
      // (a session's queue after a reconnect), arriving now: no effect at all.
      const copies = [r, ...(i % 37 === 36 ? readings.slice(i - 29, i + 1) : [])];
      for (const copy of copies) {
        const fx = twice.onReading({ ...copy, values: { ...copy.values } }, arrival(r) + 500);
        expect(fx, `copy of ${copy.station} at ${copy.ts} after reading ${i}`).toEqual({
          events: [],
          mqtt: [],
          lines: [],
        });
      }
    });
    expect(twice.activeAlerts()).toEqual(once.activeAlerts());
  });
});
