import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ispuTables, loadStandards } from '../../lib/standards/index.ts';
import { createEngine, type Reading } from './engine.ts';
import { buildRuleSet, parseOverrides, parseRulesFile } from './rules-build.ts';

const HOUR = 3_600_000;
const standards = loadStandards();
const shipped = parseRulesFile(JSON.parse(readFileSync(new URL('../rules.json', import.meta.url), 'utf8')));

function engine(overrides: unknown = {}, escalateAfterMs = 0) {
  const rules = buildRuleSet(shipped, parseOverrides(overrides), standards);
  return createEngine({ rules, ispuTables: ispuTables(standards), escalateAfterMs });
}
const r = (kind: string, station: string, ts: number, values: Record<string, number>): Reading => ({
  kind,
  station,
  ts,
  values,
});

describe('alert engine', () => {
  it('threshold: raise once, hold in the deadband, clear below it, ignore out-of-order readings', () => {
    const e = engine();
    const t = 1_800_000_000_000;
    const states = (ts: number, v: number) =>
      e.onReading(r('water_network', 'wn', ts, { turbidity: v }), ts).events.map((x) => x.event);
    expect(states(t, 4)).toEqual(['raised']);
    expect(states(t + 1, 5)).toEqual([]);
    expect(states(t + 2, 2.7)).toEqual([]);
    expect(states(t - 5, 1)).toEqual([]); // late: no verdict
    expect(states(t + 3, 2.4)).toEqual(['cleared']);
    expect(states(t + 1, 9)).toEqual([]); // older than the last reading
    expect(e.activeAlerts()).toEqual([]);
  });

  it('threshold with a minimum duration on device time', () => {
    const e = engine();
    const t = 1_800_000_000_000;
    const ev = (ts: number, v: number) =>
      e.onReading(r('water_network', 'wn', ts, { pressure: v }), ts).events.map((x) => x.event);
    expect(ev(t, 0.5)).toEqual([]); // pressure-low needs 120 s
    expect(ev(t + 60_000, 0.5)).toEqual([]);
    expect(ev(t + 121_000, 0.5)).toEqual(['raised']);
    expect(e.activeAlerts()[0]).toMatchObject({ rule: 'pressure-low', provisional: true, limit: 0.7 });
  });

  it('two-sided compliance (pH 6-9) names the bound that was broken', () => {
    const e = engine();
    const fx = e.onReading(r('wastewater', 'ww', 1, { ph: 5.2 }), 1);
    expect(fx.events[0]?.alert).toMatchObject({ rule: 'p68-ph', limit: 6, rule_type: 'compliance' });
    expect(fx.mqtt[0]).toMatchObject({ topic: 'alerts/wastewater/ww/p68-ph', retain: true, qos: 1 });
    expect(fx.lines[0]).toMatch(/^alerts,.*rule=p68-ph.*state=raised/);
  });

  it('mean: the 1 h NO2 mean, not single readings, decides; needs coverage', () => {
    const e = engine();
    const t0 = 1_800_000_000_000 - (1_800_000_000_000 % HOUR);
    const step = HOUR / 24;
    let events: string[] = [];
    // 12 sub-periods only (50 % coverage) at 400 ug/m3: no verdict yet.
    for (let i = 0; i < 12; i++)
      events.push(
        ...e.onReading(r('air_quality', 'aq', t0 + i * step, { no2: 400 }), 0).events.map((x) => x.event),
      );
    expect(events).toEqual([]);
    for (let i = 12; i < 18; i++)
      events.push(
        ...e
          .onReading(r('air_quality', 'aq', t0 + i * step, { no2: 400 }), 0)
          .events.map((x) => `${x.alert.rule}:${x.event}`),
      );
    expect(events).toEqual(['no2-1h:raised']);
    events = [];
    // A late reading cannot clear it; in-order low readings bring the mean under 200 - 10.
    events.push(...e.onReading(r('air_quality', 'aq', t0, { no2: 0 }), 0).events.map((x) => x.event));
    expect(events).toEqual([]);
    for (let i = 18; i < 60; i++)
      events.push(
        ...e
          .onReading(r('air_quality', 'aq', t0 + i * step, { no2: 10 }), 0)
          .events.map((x) => `${x.alert.rule}:${x.event}`),
      );
    expect(events).toContain('no2-1h:cleared');
  });

  it('rate: a fall of more than the set amount within the window raises, recovery clears', () => {
    const e = engine();
    const t = 1_800_000_000_000;
    const ev = (ts: number, v: number) =>
      e
        .onReading(r('water_network', 'wn', ts, { pressure: v }), ts)
        .events.map((x) => `${x.alert.rule}:${x.event}`);
    expect(ev(t, 3)).toEqual([]);
    expect(ev(t + 400_000, 1.9)).toEqual([]); // 1.1 bar but over 400 s: outside the 300 s window
    expect(ev(t + 460_000, 1.9)).toEqual([]);
    expect(ev(t + 500_000, 0.8)).toEqual(['pressure-drop:raised']);
    expect(ev(t + 560_000, 1.2)).toEqual([]);
    expect(ev(t + 620_000, 1.5)).toEqual(['pressure-drop:cleared']);
  });

  it('stale: per station and field on arrival time; late readings recover, never fake', () => {
    const e = engine({ stations: { wn: { expectedIntervalS: 1 } } });
    e.onReading(r('water_network', 'wn', 0, { pressure: 2, flow: 1 }), 10_000);
    expect(e.onTick(12_000).events).toEqual([]);
    const raised = e
      .onTick(13_500)
      .events.map((x) => x.alert.rule)
      .sort();
    expect(raised).toEqual(['stale-flow', 'stale-pressure']);
    expect(e.onTick(20_000).events).toEqual([]); // one alert each until it clears
    const fx = e.onReading(r('water_network', 'wn', -5_000, { pressure: 2 }), 20_100);
    expect(fx.events.map((x) => `${x.alert.rule}:${x.event}`)).toEqual(['stale-pressure:cleared']);
  });

  it('acknowledge, escalate, snapshot and restore', () => {
    // The rule's own escalateAfterS wins over the engine default.
    const e = engine({ kinds: { wastewater: { rules: { 'p68-bod': { escalateAfterS: 1 } } } } });
    e.onReading(r('wastewater', 'ww', 1, { bod: 40 }), 1000);
    const id = 'wastewater/ww/p68-bod';
    expect(e.onTick(1500).events).toEqual([]);
    expect(e.onTick(2100).events.map((x) => x.event)).toEqual(['escalated']);
    expect(e.onTick(3000).events).toEqual([]);
    expect(e.acknowledge(id, { by: 'sari', comment: 'ok' }, 4000)).toMatchObject({
      status: 'acknowledged',
      alert: { state: 'acknowledged', acknowledged_by: 'sari', comment: 'ok' },
    });
    expect(e.acknowledge(id, { by: 'budi' }, 4100).status).toBe('already_acknowledged');
    expect(e.acknowledge('wastewater/ww/nope', { by: 'budi' }, 4100).status).toBe('not_found');
    const copy = engine();
    copy.restore(JSON.parse(JSON.stringify(e.snapshot())), 5000);
    expect(copy.get(id)).toEqual(e.get(id));
    expect(copy.onReading(r('wastewater', 'ww', 2, { bod: 50 }), 6000).events).toEqual([]);
    const cleared = copy.onReading(r('wastewater', 'ww', 3, { bod: 10 }), 7000);
    expect(cleared.mqtt.map((m) => [m.retain, m.payload === ''])).toEqual([
      [false, false],
      [true, true],
    ]);
  });
});
