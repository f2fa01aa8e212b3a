import { describe, expect, it } from 'vitest';
import type { MaintenanceWindow } from '../../lib/qa/windows.ts';
import { loadStandards } from '../../lib/standards/index.ts';
import type { Effects } from './alert.ts';
import { createEngine, type Reading } from './engine.ts';
import { buildRuleSet, parseOverrides, parseRulesFile } from './rules-build.ts';

// Issue 15 in the engine: values flagged invalid are left out, alerts in a maintenance window muted.
// The golden cases validity-invalid-skipped and maintenance-mute show the alert lifecycle; these
// check the means and ISPU, staleness on the clock, acks and the state file.
const H = 3_600_000;
const T0 = Date.parse('2027-01-15T00:00:00Z');
const standards = loadStandards();
const rules = {
  rules: [
    { id: 'pm25-24h', type: 'mean', kind: 'air_quality', field: 'pm25', averaging: '24h', max: 55 },
    { id: 'ispu', type: 'ispu', kind: 'air_quality', pollutants: { pm25: {} } },
    { id: 'bod-high', type: 'threshold', kind: 'wastewater', field: 'bod', max: 30 },
    { id: 'stale', type: 'stale', kind: 'water_network', fields: ['pressure'] },
  ],
};
const engine = () =>
  createEngine({
    rules: buildRuleSet(parseRulesFile(rules), parseOverrides({}), standards),
    escalateAfterMs: 600_000,
  });
const window = (w: Partial<MaintenanceWindow> & Pick<MaintenanceWindow, 'station' | 'start' | 'end'>) => ({
  id: 1,
  fields: null,
  type: 'maintenance' as const,
  ...w,
});

/** 30 h of air quality: a valid 20 ug/m3 at :10 of each hour, a flagged 400 (a spike) at :40. */
function day(flagged: 'flagged' | 'unflagged' | 'left out'): Reading[] {
  return Array.from({ length: 30 }, (_, h) => h).flatMap((h) => {
    const valid: Reading = {
      kind: 'air_quality',
      station: 'aq',
      ts: T0 + h * H + 600_000,
      values: { pm25: 20 },
    };
    const spike: Reading = {
      kind: 'air_quality',
      station: 'aq',
      ts: T0 + h * H + 2_400_000,
      values: { pm25: 400 },
    };
    if (flagged === 'left out') return [valid];
    return [valid, flagged === 'flagged' ? { ...spike, validity: { pm25: 5 } } : spike];
  });
}

function run(readings: Reading[]) {
  const e = engine();
  const out: Effects[] = readings.map((x) => e.onReading(x, x.ts));
  const ispu = out.flatMap((fx) =>
    fx.mqtt.filter((m) => m.topic === 'readings/ispu/aq').map((m) => m.payload),
  );
  const raised = out.flatMap((fx) => fx.events.map((x) => `${x.event} ${x.alert.rule}`));
  return { ispu, raised, stats: e.stats };
}

describe('values flagged invalid', () => {
  it('stay out of the 24 h mean and the ISPU: the same as if they never came', () => {
    const flagged = run(day('flagged'));
    const without = run(day('left out'));
    expect(flagged.ispu.length).toBeGreaterThan(5);
    expect(flagged.ispu).toEqual(without.ispu);
    expect(flagged.raised).toEqual([]);
    expect(flagged.stats.invalidValues).toBe(30);
    // The control: the same spikes unflagged move both, so the comparison above could fail.
    const unflagged = run(day('unflagged'));
    expect(unflagged.raised).toContain('raised pm25-24h');
    expect(unflagged.ispu).not.toEqual(without.ispu);
  });
});

describe('maintenance windows', () => {
  it('mute a stale alert on the clock, and unmute it on the tick after the window', () => {
    const e = engine();
    e.setMaintenance([window({ station: 'wn', start: T0, end: T0 + H })]);
    expect(e.stats.maintenanceWindows).toBe(1);
    e.onReading({ kind: 'water_network', station: 'wn', ts: T0, values: { pressure: 3 } }, T0);
    const [muted] = e.onTick(T0 + 200_000).events;
    expect(muted).toMatchObject({ event: 'raised', alert: { rule: 'stale-pressure', muted: true } });
    // Far past the escalation time, but inside the window: no escalation.
    expect(e.onTick(T0 + H - 1).events).toEqual([]);
    const [unmuted] = e.onTick(T0 + H).events;
    expect(unmuted).toMatchObject({ event: 'raised', alert: { raised_at: muted?.alert.raised_at } });
    expect(unmuted?.alert.muted).toBeUndefined();
    // Escalation counts from the unmute, not from the raise an hour ago.
    expect(e.onTick(T0 + H + 599_999).events).toEqual([]);
    expect(e.onTick(T0 + H + 600_000).events.map((x) => x.event)).toEqual(['escalated']);
    expect(e.stats.mutedTransitions).toBe(1);
  });

  it('an acknowledged muted alert is unmuted without a new raise', () => {
    const e = engine();
    e.setMaintenance([window({ station: 'ww', start: T0, end: T0 + H })]);
    const bod = (ts: number, v: number): Reading => ({
      kind: 'wastewater',
      station: 'ww',
      ts,
      values: { bod: v },
    });
    e.onReading(bod(T0 + 60_000, 45), T0 + 60_000);
    const id = 'wastewater/ww/bod-high';
    expect(e.acknowledge(id, { by: 'sari' }, T0 + 120_000).alert?.muted).toBe(true);
    const fx = e.onReading(bod(T0 + H, 45), T0 + H);
    expect(fx.events).toEqual([]);
    expect(fx.mqtt.map((m) => JSON.parse(m.payload))).toMatchObject([{ state: 'acknowledged', id }]);
    expect(JSON.parse(fx.mqtt[0]?.payload ?? '{}').muted).toBeUndefined();
  });

  it('are replaced as a set: a window ended early unmutes at the next reading', () => {
    const e = engine();
    const w = window({ station: 'ww', start: T0, end: T0 + 2 * H });
    e.setMaintenance([w]);
    e.onReading({ kind: 'wastewater', station: 'ww', ts: T0 + 60_000, values: { bod: 45 } }, T0 + 60_000);
    e.setMaintenance([{ ...w, end: T0 + 120_000 }]);
    const fx = e.onReading({ kind: 'wastewater', station: 'ww', ts: T0 + 180_000, values: { bod: 45 } }, 0);
    expect(fx.events.map((x) => [x.event, x.alert.muted])).toEqual([['raised', undefined]]);
  });

  it('muted and unmuted alerts survive the state file', () => {
    const a = engine();
    a.setMaintenance([window({ station: 'wn', start: T0, end: T0 + H })]);
    a.onReading({ kind: 'water_network', station: 'wn', ts: T0, values: { pressure: 3 } }, T0);
    a.onTick(T0 + 200_000);
    const b = engine();
    b.restore(JSON.parse(JSON.stringify(a.snapshot())), T0 + 300_000);
    expect(b.activeAlerts()[0]?.muted).toBe(true);
    a.onTick(T0 + H);
    const c = engine();
    c.restore(JSON.parse(JSON.stringify(a.snapshot())), T0 + H + 1);
    expect(c.snapshot().alerts[0]?.unmutedAt).toBe(T0 + H);
    expect(c.onTick(T0 + H + 599_999).events).toEqual([]);
  });
});
