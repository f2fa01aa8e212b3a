import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../lib/process/ports.ts';
import { addDevices, revokeDevice } from '../lib/registry/provision.ts';
import { loadRegistry, saveRegistry } from '../lib/registry/store.ts';
import { type FlowsHarness, type Received, recorder, startFlowsHarness } from '../testkit/flows-harness.ts';
import { TEST_SCRYPT } from '../testkit/pipeline.ts';
import type { Alert } from './core/alert.ts';

// Real Node-RED with the pipeline's registry (REGISTRY_PATH, as under `npm start`): registered
// stations are watched for silence from the start, whether they ever publish or not.
const devices = [
  { id: 'wn-silent', kind: 'water_network' },
  { id: 'wn-revoked', kind: 'water_network' },
] as const;
// 0.5 s x factor 3: silent stations are stale 1.5 s after the flows start (or see them provisioned).
const fast = { expectedIntervalS: 0.5 };

let h: FlowsHarness;
let watch: { client: Awaited<ReturnType<typeof recorder>>['client']; messages: Received[] };

const alertsOf = (station: string) =>
  watch.messages
    .filter((m) => m.topic.startsWith(`alerts/water_network/${station}/`) && m.payload !== '')
    .map((m) => JSON.parse(m.payload) as Alert);
const active = async () => ((await (await h.api('/api/alerts')).json()) as Alert[]).map((a) => a.id);

async function editRegistry(edit: (r: Awaited<ReturnType<typeof loadRegistry>>) => Promise<unknown>) {
  const registry = await loadRegistry(h.pipeline.registryPath);
  await saveRegistry(h.pipeline.registryPath, (await edit(registry)) as typeof registry);
}

beforeAll(async () => {
  h = await startFlowsHarness(devices, {
    registry: true,
    // FLOWS_LANGUAGE reaches the rules node: these flows word their alerts in English.
    config: { language: 'en' },
    overrides: { stations: { 'wn-silent': fast, 'wn-revoked': fast, 'wn-new': fast } },
    // Revoked before Node-RED starts: never a station for the flows.
    beforeFlows: async (p) => {
      const registry = await loadRegistry(p.registryPath);
      await saveRegistry(p.registryPath, revokeDevice(registry, 'wn-revoked'));
    },
  });
  watch = await recorder(h.pipeline, ['alerts/#']);
}, 90_000);

afterAll(async () => {
  await watch?.client.endAsync(true);
  await h?.close();
});

describe('stations from the registry', () => {
  it('a provisioned station that never publishes gets its stale alert; a revoked one does not', async () => {
    const id = 'water_network/wn-silent/stale-pressure';
    await waitFor(async () => (await active()).includes(id), 10_000, 'stale alert of the silent station');
    const alert = alertsOf('wn-silent').find((a) => a.id === id) as Alert;
    expect(alert).toMatchObject({ rule_type: 'stale', state: 'raised', unit: 's', limit: 1.5 });
    expect(alert.message).toContain('since watching began, no reading yet');
    expect(alert.text).toMatchObject({ key: 'alert.detail.silent_never', source: 'catalogue' });
    // Both were watched from the same moment with the same limit: the revoked one would be raised by now.
    expect((await active()).filter((a) => a.includes('/wn-revoked/'))).toEqual([]);
    expect(alertsOf('wn-revoked')).toEqual([]);
  });

  it('a station provisioned while running is watched; one revoked while running is cleared', async () => {
    await editRegistry(
      async (r) => (await addDevices(r, [{ id: 'wn-new', kind: 'water_network' }], TEST_SCRYPT)).registry,
    );
    await waitFor(
      async () => (await active()).includes('water_network/wn-new/stale-pressure'),
      10_000,
      'stale alert of the newly provisioned station',
    );
    await editRegistry(async (r) => revokeDevice(r, 'wn-silent'));
    await waitFor(
      async () => !(await active()).some((a) => a.includes('/wn-silent/')),
      10_000,
      'alerts of the revoked station cleared',
    );
    const cleared = alertsOf('wn-silent').filter((a) => a.state === 'cleared');
    expect(cleared.length).toBeGreaterThan(0);
    expect(cleared[0]?.message).toContain('revoked or removed from the registry');
    // The retained alert is removed too: an empty payload on its topic.
    await waitFor(
      () =>
        watch.messages.some(
          (m) => m.topic === 'alerts/water_network/wn-silent/stale-pressure' && m.payload === '',
        ),
      5000,
      'tombstone',
    );
  });
});
