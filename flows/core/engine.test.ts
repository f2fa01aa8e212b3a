import { describe, expect, it } from 'vitest';
import type { Language } from '../../lib/i18n/index.ts';
import { loadStandards } from '../../lib/standards/index.ts';
import { createEngine, type Reading } from './engine.ts';
import { buildRuleSet, parseOverrides, parseRulesFile } from './rules-build.ts';

// Rule behaviour per type is in the golden cases (testdata/); these are the engine's own duties.
const standards = loadStandards();
const rules = {
  rules: [
    { id: 'bod-high', type: 'threshold', kind: 'wastewater', field: 'bod', max: 30 },
    { id: 'pressure-drop', type: 'rate', kind: 'water_network', field: 'pressure', change: 1, windowS: 300 },
    { id: 'stale', type: 'stale', kind: 'water_network', fields: ['pressure'] },
    { id: 'ispu', type: 'ispu', kind: 'air_quality', pollutants: { pm25: {} }, minCoverage: 0.25 },
  ],
};
const engine = (language?: Language) =>
  createEngine({
    rules: buildRuleSet(parseRulesFile(rules), parseOverrides({}), standards),
    escalateAfterMs: 0,
    language,
  });
const r = (kind: string, station: string, ts: number, values: Record<string, number>): Reading => ({
  kind,
  station,
  ts,
  values,
});

describe('alert engine', () => {
  it('publishes a transition retained, clears with an empty retained payload, marks the state dirty', () => {
    const e = engine();
    const raised = e.onReading(r('wastewater', 'ww', 1, { bod: 40 }), 1000);
    expect(raised.mqtt).toEqual([
      expect.objectContaining({ topic: 'alerts/wastewater/ww/bod-high', retain: true, qos: 1 }),
    ]);
    expect(raised.lines[0]).toMatch(/^alerts,.*rule=bod-high.*state=raised/);
    expect(e.takeAlertsDirty()).toBe(true);
    expect(e.takeAlertsDirty()).toBe(false);
    expect(e.republish().mqtt.map((m) => m.topic)).toEqual(['alerts/wastewater/ww/bod-high']);
    const cleared = e.onReading(r('wastewater', 'ww', 2, { bod: 10 }), 2000);
    expect(cleared.mqtt.map((m) => [m.retain, m.payload === ''])).toEqual([
      [false, false],
      [true, true],
    ]);
    expect(e.stats).toMatchObject({ readings: 2, transitions: 2, ispu: 0, mqttConnected: false });
  });

  it('a snapshot taken mid-stream restores into a fresh engine that goes on exactly alike', () => {
    const t0 = Date.parse('2027-01-15T00:10:00Z');
    const stream = (i: number): Reading[] => [
      r('water_network', 'wn', t0 + i * 60_000, { pressure: i % 9 === 4 ? 1 : 3 }),
      r('air_quality', 'aq', t0 + i * 60_000, { pm25: 40 + (i % 30) * 3 }),
      r('wastewater', 'ww', t0 + i * 60_000, { bod: i % 11 < 3 ? 45 : 12 }),
    ];
    const a = engine();
    for (let i = 0; i < 400; i++) for (const x of stream(i)) a.onReading(x, x.ts);
    a.onTick(t0 + 400 * 60_000);
    const b = engine();
    const at = t0 + 401 * 60_000;
    b.restore(JSON.parse(JSON.stringify(a.snapshot())), at);
    expect(b.activeAlerts()).toEqual(a.activeAlerts());
    let transitions = 0;
    for (let i = 401; i < 800; i++) {
      for (const x of stream(i)) {
        const fx = a.onReading(x, x.ts);
        expect(b.onReading(x, x.ts)).toEqual(fx);
        transitions += fx.events.length + fx.lines.length;
      }
      if (i % 10 === 0) expect(b.onTick(t0 + i * 60_000)).toEqual(a.onTick(t0 + i * 60_000));
    }
    expect(transitions).toBeGreaterThan(50);
    expect(b.snapshot()).toEqual(a.snapshot());
  });

  it('drops saved state of a rule that no longer exists, keeps its alert', () => {
    const a = engine();
    a.onReading(r('wastewater', 'ww', 1, { bod: 40 }), 1000);
    const saved = JSON.parse(JSON.stringify(a.snapshot()));
    saved.rules.threshold['wastewater/ww/gone'] = { lastTs: 1 };
    saved.rules.nope = { 'wastewater/ww/bod-high': {} };
    const b = engine();
    b.restore(saved, 2000);
    expect(Object.keys(b.snapshot().rules)).toEqual(['threshold']);
    expect(Object.keys(b.snapshot().rules.threshold ?? {})).toEqual(['wastewater/ww/bod-high']);
    expect(b.get('wastewater/ww/bod-high')).toEqual(a.get('wastewater/ww/bod-high'));
  });

  it('a cleared alert says the value that cleared it; the raised value only as such', () => {
    const e = engine();
    e.onReading(r('wastewater', 'ww', 1, { bod: 6113 }), 1000);
    const [cleared] = e.onReading(r('wastewater', 'ww', 2, { bod: 6.72 }), 2000).events;
    expect(cleared?.alert).toMatchObject({ state: 'cleared', value: 6.72, limit: 30, unit: 'mg/L' });
    expect(cleared?.alert.message).toBe(
      'ww: bod 6,72 mg/L, kembali dalam batas 30 mg/L (bod-high; batas lokal); nilai saat muncul 6.113 mg/L',
    );
    // The same as data, for a reader in another language (the console words it in the viewer's).
    expect(cleared?.alert.text).toEqual({
      key: 'alert.detail.back_within',
      params: { value: 6.72, limit: 30, unit: 'mg/L' },
      source: 'local',
      raised: 6113,
    });
  });

  it('words messages in the language it is given (FLOWS_LANGUAGE), with the same data', () => {
    const [id, en] = (['id', 'en'] as const).map((lang) => {
      const [raised] = engine(lang).onReading(r('wastewater', 'ww', 1, { bod: 40 }), 1000).events;
      return raised?.alert;
    });
    expect(id?.message).toBe('ww: bod 40 mg/L, di atas 30 mg/L (bod-high; batas lokal)');
    expect(en?.message).toBe('ww: bod 40 mg/L, above 30 mg/L (bod-high; local limit)');
    expect(en?.text).toEqual(id?.text);
  });

  it('a staleness alert is in seconds and says durations, never the parameter unit', () => {
    const e = engine();
    e.onReading(r('water_network', 'wn', 0, { pressure: 3 }), 10_000);
    const [raised] = e.onTick(195_000).events;
    // The catalogue's 60 s interval x factor 3.
    expect(raised?.alert).toMatchObject({ value: 185, limit: 180, unit: 's' });
    expect(raised?.alert.message).toBe(
      'wn: pressure tidak melapor selama 3 mnt 5 dtk (batas 3 mnt) (stale-pressure; interval laporan di katalog)',
    );
    const [cleared] = e.onReading(r('water_network', 'wn', 1, { pressure: 3 }), 210_000).events;
    expect(cleared?.alert).toMatchObject({ state: 'cleared', value: 200, unit: 's' });
    expect(cleared?.alert.message).toBe(
      'wn: pressure melapor lagi setelah 3 mnt 20 dtk tanpa data (stale-pressure; interval laporan di katalog); nilai saat muncul 3 mnt 5 dtk',
    );
    // A reading that arrives at clock 0 counts as heard like any other.
    const zero = engine();
    zero.onReading(r('water_network', 'wn', 0, { pressure: 3 }), 0);
    expect(zero.onTick(181_000).events.map((x) => x.alert.value)).toEqual([181]);
  });

  it('after a restart the registry decides: the alert of a revoked station clears, the others stay watched', () => {
    const silent = { id: 'wn-silent', kind: 'water_network' };
    const devices = [{ id: 'wn', kind: 'water_network' }, silent];
    const a = engine();
    a.setRegistry(devices, 0);
    a.onReading(r('water_network', 'wn', 0, { pressure: 3 }), 0);
    expect(a.onTick(181_000).events.map((x) => x.alert.station)).toEqual(['wn', 'wn-silent']);
    const b = engine();
    b.restore(JSON.parse(JSON.stringify(a.snapshot())), 500_000);
    const fx = b.setRegistry([{ id: 'wn', kind: 'water_network', revoked: true }, silent], 500_000);
    expect(fx.events.map((x) => [x.event, x.alert.station])).toEqual([['cleared', 'wn']]);
    // The readings of a revoked device are not judged by the staleness rule.
    b.onReading(r('water_network', 'wn', 2, { pressure: 3 }), 500_000);
    expect(b.onTick(2_000_000).events).toEqual([]);
    expect(Object.keys(b.snapshot().rules.stale ?? {})).toEqual(['water_network/wn-silent/stale-pressure']);
    expect(b.activeAlerts().map((x) => x.station)).toEqual(['wn-silent']);
  });
});
