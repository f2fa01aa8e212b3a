import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { capture, type Point } from '../lib/aggregate/index.ts';
import { waitFor } from '../lib/process/ports.ts';
import { toWindow } from '../lib/records/maintenance.ts';
import type { FlowsHarness, Received } from '../testkit/flows-harness.ts';
import { influxQuery } from '../testkit/influxd.ts';
import { type MaintenanceRig, startMaintenanceRig } from '../testkit/maintenance-rig.ts';

// Issue 15, "Done when", the whole chain: a maintenance window in the records database (as the console
// writes it) is read by the ingest (values coded 16) and by real Node-RED (alerts muted). During the
// window a crossing notifies nobody (nothing reaches the local webhook), its values are flagged, and
// capture is what it would be without the visit; after the window a crossing raises and notifies.
const ALERT = 'alerts/water_network/wn-01/turbidity-high';
const WINDOW_MS = 15_000;
const MIN = 60_000;

let receivers: MaintenanceRig['receivers'];
let h: FlowsHarness;
let records: MaintenanceRig['records'];
let device: MqttClient;
let alerts: { client: MqttClient; messages: Received[] };

const published = () => alerts.messages.filter((m) => m.topic === ALERT && m.payload !== '');
/** turbidity (and pressure, so a reading is never a flat line) with a device time. */
const send = (turbidity: number, ts = Date.now()) =>
  device.publishAsync(
    'sensors/water_network/wn-01',
    JSON.stringify({ ts, values: { turbidity, pressure: 2.5 + (ts % 7) / 100 } }),
    { qos: 1 },
  );
const stored = async (): Promise<[number, number, number][]> => {
  const r = await influxQuery(
    h.pipeline.influx.url,
    "SELECT turbidity, validity FROM water_network WHERE station = 'wn-01' ORDER BY time",
    h.pipeline.database,
  );
  const rows = (r.results[0]?.series?.[0]?.values ?? []) as unknown as [string, number, number][];
  return rows.map(([t, v, c]) => [Date.parse(t), v, c]);
};

let rig: MaintenanceRig | undefined;
beforeAll(async () => {
  rig = await startMaintenanceRig({ ingestReadsRecords: true });
  ({ h, receivers, records, device, alerts } = rig);
}, 90_000);

afterAll(() => rig?.close());

describe('a maintenance window through ingest, InfluxDB and Node-RED', () => {
  it('flags and mutes during the window, leaves capture unchanged, notifies after it', async () => {
    // Readings before the visit, one a minute for ten minutes: valid.
    const start = Date.now() - 60_000;
    const before = start - 11 * MIN;
    for (let i = 0; i < 10; i++) await send(0.5 + i / 100, before + i * MIN);
    const end = Date.now() + WINDOW_MS;
    records.maintenance.insert({
      station: 'wn-01',
      kind: 'water_network',
      fields: null,
      type: 'calibration',
      origin: 'logged',
      start_at: start,
      end_at: end,
      rrule: null,
      duration_ms: null,
      who: 'Budi',
      notes: 'turbidimeter calibrated with 20 NTU standard',
      created_by: 'ops',
    });
    // Both read the file themselves, without a restart.
    await waitFor(
      async () =>
        (await h.pipeline.ingest.metrics.maintenanceWindows.get()).values[0]?.value === 1 &&
        (await h.status()).maintenanceWindows === 1,
      10_000,
      'the window read by the ingest and the flows',
    );

    // The calibration standard, far above the 3 NTU limit, inside the window.
    const seen = await h.readings();
    await send(20);
    await send(19.5);
    await h.processed(seen, 2);
    expect(Date.now()).toBeLessThan(end); // all of it inside the window, or the test proves nothing
    await waitFor(async () => (await stored()).length === 12, 10_000, 'stored');
    const rows = await stored();
    expect(rows.map(([, , code]) => code)).toEqual([...Array(10).fill(0), 16, 16]);
    // The rules skipped the flagged values: no alert, muted or not; nothing to any channel.
    expect(await h.status()).toMatchObject({ invalidValues: 4 }); // turbidity and pressure, twice
    expect(published()).toEqual([]);
    expect(receivers.webhook).toEqual([]);

    // Capture over the stretch: the window's time leaves the denominator and its values count for
    // nothing, so capture equals that of the same data without the visit's values.
    const windows = records.maintenance.list({ station: 'wn-01' }).map(toWindow);
    const range = { station: 'wn-01', field: 'turbidity', intervalS: 60, period: 'day' as const };
    const from = before;
    const to = end; // ten minutes before the visit, and the visit
    const points: Point[] = rows.map(([t, v, code]) => [t, v, code]);
    const outside: Point[] = points.filter(([t]) => t < start);
    const [withVisit] = capture(points, { ...range, from, to, windows });
    const [withoutValues] = capture(outside, { ...range, from, to, windows });
    expect(withVisit).toEqual({ ...withoutValues, received: 12 }); // only `received` sees the visit
    expect(withVisit).toMatchObject({ received: 12, valid: 10 });
    expect(withVisit?.excluded).toBeCloseTo((to - start) / MIN, 6);
    // Ten readings in the eleven minutes before the visit: 10 / 11, whatever the visit's length.
    expect(withVisit?.capture).toBeCloseTo((10 / 11) * 100, 6);

    // After the window: coded 0 again, the crossing raises, unmuted, and notifies.
    await waitFor(() => Date.now() > end + 2_500, WINDOW_MS + 5000, 'the window over');
    await send(8);
    await waitFor(() => receivers.webhook.length > 0, 10_000, 'notified');
    const after = published().map((m) => JSON.parse(m.payload));
    expect(after).toHaveLength(1);
    expect(after[0]).toMatchObject({ state: 'raised', value: 8, limit: 3 });
    expect(after[0].muted).toBeUndefined();
    expect(receivers.webhook).toHaveLength(1);
    await waitFor(async () => (await stored()).length === 13, 10_000, 'stored');
    expect((await stored()).at(-1)?.[2]).toBe(0);
  });
});
