import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../lib/process/ports.ts';
import { type FlowsHarness, type Received, recorder, startFlowsHarness } from '../testkit/flows-harness.ts';
import type { Alert } from './core/alert.ts';

// Issue 13, item 1: readings published while Node-RED is down are evaluated once it is back.
const ALERT = 'alerts/water_network/wn-01/turbidity-high';

let h: FlowsHarness;
let device: MqttClient;
let alerts: { client: MqttClient; messages: Received[] };
let feed: { client: MqttClient; messages: Received[] };

const raised = () =>
  alerts.messages
    .filter((m) => m.topic === ALERT && m.payload !== '')
    .map((m) => JSON.parse(m.payload) as Alert)
    .filter((a) => a.state === 'raised');

async function send(ts: number, turbidity: number) {
  await device.publishAsync('sensors/water_network/wn-01', JSON.stringify({ ts, values: { turbidity } }), {
    qos: 1,
  });
}

beforeAll(async () => {
  h = await startFlowsHarness([{ id: 'wn-01', kind: 'water_network' }]);
  alerts = await recorder(h.pipeline, ['alerts/#'], 'dashboard:alerts');
  // A second reader of the normalized feed: once it has a reading, the broker has taken the forward
  // (and queued it for every persistent session subscribed to it).
  feed = await recorder(h.pipeline, ['readings/#'], 'dashboard:feed');
  device = await h.pipeline.device('wn-01');
}, 90_000);

afterAll(async () => {
  await Promise.all([alerts?.client.endAsync(true), feed?.client.endAsync(true), device?.endAsync(true)]);
  await h?.close();
});

describe('readings reach the alert flows at least once', () => {
  it('raises the alert for readings over the limit sent while Node-RED was stopped', async () => {
    const t = Date.now() - 60_000;
    const before = await h.readings();
    await send(t, 0.5); // inside the limit (3 NTU), while Node-RED runs
    await h.processed(before, 1);

    await h.stop();
    await send(t + 1000, 7);
    await send(t + 2000, 8);
    await waitFor(
      () => feed.messages.filter((m) => m.topic === 'readings/water_network/wn-01').length === 3,
      10_000,
      'the ingest forwarded all three readings',
    );
    expect(raised()).toEqual([]);

    await h.start();
    await waitFor(() => raised().length > 0, 15_000, 'the alert raised after Node-RED came back');
    expect(raised()).toHaveLength(1);
    expect(raised()[0]).toMatchObject({ station: 'wn-01', value: 7, limit: 3 });
    // Both queued readings were evaluated; the first crossing raised the alert.
    await waitFor(async () => (await h.readings()) >= 2, 10_000, 'the queued readings processed');
  });
});
