import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../lib/process/ports.ts';
import type { FlowsHarness, Received } from '../testkit/flows-harness.ts';
import { type MaintenanceRig, startMaintenanceRig } from '../testkit/maintenance-rig.ts';
import type { Alert, AlertEvent } from './core/alert.ts';

// Issue 15: a maintenance window in the records database (written as the console and `npm run qa`
// write it) mutes the station's alerts in real Node-RED: raised and cleared on MQTT as muted, nothing
// to the webhook, Telegram or e-mail. After the window a crossing raises and notifies.
const ALERT = 'alerts/water_network/wn-01/turbidity-high';
const WINDOW_MS = 15_000;

let receivers: MaintenanceRig['receivers'];
let h: FlowsHarness;
let records: MaintenanceRig['records'];
let device: MqttClient;
let alerts: { client: MqttClient; messages: Received[] };

const published = () =>
  alerts.messages
    .filter((m) => m.topic === ALERT && m.payload !== '')
    .map((m) => JSON.parse(m.payload) as Alert);
const send = (turbidity: number) =>
  device.publishAsync(
    'sensors/water_network/wn-01',
    JSON.stringify({ ts: Date.now(), values: { turbidity } }),
    { qos: 1 },
  );

let rig: MaintenanceRig | undefined;
beforeAll(async () => {
  rig = await startMaintenanceRig({ ingestReadsRecords: false });
  ({ h, receivers, records, device, alerts } = rig);
}, 90_000);

afterAll(() => rig?.close());

describe('maintenance windows in the alert flows', () => {
  it('mute the station during the window; after it a crossing raises and notifies', async () => {
    expect(await h.status()).toMatchObject({ maintenanceWindows: 0 });
    const start = Date.now() - 60_000;
    const end = Date.now() + WINDOW_MS;
    records.maintenance.insert({
      station: 'wn-01',
      kind: 'water_network',
      fields: null,
      type: 'maintenance',
      origin: 'logged',
      start_at: start,
      end_at: end,
      rrule: null,
      duration_ms: null,
      who: 'Budi',
      notes: 'pump replaced',
      created_by: 'ops',
    });
    // The flows follow the file: no restart, no minute to wait.
    await waitFor(async () => (await h.status()).maintenanceWindows === 1, 10_000, 'window read');

    await send(7);
    await waitFor(() => published().some((a) => a.state === 'raised'), 10_000, 'muted raise');
    await send(0.5);
    await waitFor(() => published().some((a) => a.state === 'cleared'), 10_000, 'muted clear');
    expect(published().map((a) => [a.state, a.muted])).toEqual([
      ['raised', true],
      ['cleared', true],
    ]);
    expect(Date.now()).toBeLessThan(end); // all of it inside the window, or the test proves nothing
    expect(await h.status()).toMatchObject({ mutedTransitions: 2 });

    await waitFor(() => Date.now() > end + 500, WINDOW_MS + 5000, 'the window over');
    await send(8);
    const unmuted = () => published().filter((a) => a.state === 'raised' && !a.muted);
    await waitFor(() => unmuted().length > 0 && receivers.webhook.length > 0, 10_000, 'raised and notified');
    const after = unmuted();
    expect(after).toHaveLength(1);
    expect(after[0]).toMatchObject({ value: 8, limit: 3 });
    // What reached the webhook is the raise after the window, and nothing of the muted pair.
    const hooks = receivers.webhook as AlertEvent[];
    expect(hooks.map((e) => [e.event, e.alert.raised_at, e.alert.muted])).toEqual([
      ['raised', after[0]?.raised_at, undefined],
    ]);
    await waitFor(
      () => receivers.telegram.length > 0 && receivers.mails.length > 0,
      10_000,
      'other channels',
    );
    expect(receivers.telegram).toHaveLength(1);
    expect(receivers.mails).toHaveLength(1);
  });
});
