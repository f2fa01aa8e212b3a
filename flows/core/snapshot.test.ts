import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadStandards } from '../../lib/standards/index.ts';
import { createStateFile } from '../adapters/state-file.ts';
import { createEngine, type StoredSnapshot } from './engine.ts';
import { buildRuleSet, parseOverrides, parseRulesFile } from './rules-build.ts';
import type { EngineSnapshotV1 } from './snapshot.ts';

// A state file written by the version-1 engine (testdata/snapshot-v1/README.md); the golden case of
// the same folder shows the behaviour after restoring it, this test the state itself.
const dir = join(import.meta.dirname, 'testdata', 'snapshot-v1');
const rules = buildRuleSet(
  parseRulesFile(JSON.parse(readFileSync(join(dir, 'rules.json'), 'utf8'))),
  parseOverrides({}),
  loadStandards(),
);
const restart = Date.parse('2027-01-15T07:56:00Z');

async function restoredV1() {
  const v1 = (await createStateFile(join(dir, 'state.json')).load<EngineSnapshotV1>()) as EngineSnapshotV1;
  const engine = createEngine({ rules, escalateAfterMs: 0 });
  engine.restore(v1 as StoredSnapshot, restart);
  return { v1, engine };
}

describe('state written by the version-1 engine', () => {
  it('restores the same alerts, escalation and acknowledgement included', async () => {
    const { v1, engine } = await restoredV1();
    expect(v1.version).toBe(1);
    const snapshot = engine.snapshot();
    expect(snapshot.alerts).toEqual(v1.alerts);
    expect(snapshot.tags).toEqual(v1.tags);
    expect(engine.activeAlerts().map((a) => [a.id, a.state])).toEqual([
      ['wastewater/ww-01/p68-ph', 'acknowledged'],
      ['wastewater/ww-01/p68-bod', 'raised'],
      ['water_network/wn-01/pressure-drop', 'raised'],
      ['water_network/wn-01/turbidity-high', 'raised'],
      ['water_network/wn-01/stale-flow', 'raised'],
    ]);
  });

  it('gives each rule type its own part of the old sections', async () => {
    const { v1, engine } = await restoredV1();
    const { rules: saved } = engine.snapshot();
    const section = (name: string) => v1[name] as Record<string, unknown>;
    expect(saved.threshold).toEqual({
      'water_network/wn-01/turbidity-high': section('thresholds')['water_network/wn-01/turbidity-high'],
      'water_network/wn-01/pressure-low': section('thresholds')['water_network/wn-01/pressure-low'],
    });
    expect(saved.compliance).toEqual({
      'wastewater/ww-01/p68-ph': section('thresholds')['wastewater/ww-01/p68-ph'],
      'wastewater/ww-01/p68-bod': section('thresholds')['wastewater/ww-01/p68-bod'],
    });
    expect(saved.mean).toEqual(section('means'));
    expect(saved.rate).toEqual(section('rates'));
    // ISPU was kept per station, and is now per rule.
    expect(saved.ispu).toEqual({ 'air_quality/aq-01/ispu': section('ispu')['air_quality/aq-01'] });
    // Arrival times per field become the stale rules' state, with the restart's grace period.
    const heard = section('lastHeard') as Record<string, number>;
    expect(heard['water_network/wn-01/pressure']).toBeLessThan(restart);
    expect(saved.stale).toEqual({
      'water_network/wn-01/stale-pressure': { heard: restart },
      'water_network/wn-01/stale-flow': { heard: restart },
    });
  });

  it('is saved again as version 2, which restores to the same state', async () => {
    const { engine } = await restoredV1();
    const v2 = JSON.parse(JSON.stringify(engine.snapshot()));
    expect(v2.version).toBe(2);
    const again = createEngine({ rules, escalateAfterMs: 0 });
    again.restore(v2, restart);
    expect(again.snapshot()).toEqual(engine.snapshot());
  });
});
