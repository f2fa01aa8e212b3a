import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../lib/log.ts';
import { freePort, waitFor } from '../lib/process/ports.ts';
import { type FlowsHarness, startFlowsHarness } from '../testkit/flows-harness.ts';
import { influxQuery } from '../testkit/influxd.ts';
import { type StackInflux, startStackInflux } from './local-influx.ts';

// The flows' InfluxDB login of `npm start` may only write (stack/local-influx.ts): enough for the
// alert transitions and ISPU values the shipped flows store, through Node-RED's depok-influx node.
describe('Node-RED flows writing to the authenticated InfluxDB of npm start', () => {
  let stateDir: string;
  let influx: StackInflux;
  let h: FlowsHarness;

  beforeAll(async () => {
    stateDir = await mkdtemp(join(tmpdir(), 'stack-flows-influx-'));
    influx = await startStackInflux(
      stateDir,
      { influxPort: await freePort(), database: 'environment' },
      silentLogger(),
    );
    h = await startFlowsHarness([{ id: 'wn-01', kind: 'water_network' }], {
      config: { influx: { url: influx.url, database: 'environment', ...influx.logins.flows } },
    });
  }, 90_000);
  afterAll(async () => {
    await h?.close();
    await influx?.stop();
    await rm(stateDir, { recursive: true, force: true });
  });

  it('stores an alert transition with the write-only flows login', async () => {
    const device = await h.pipeline.device('wn-01');
    const before = await h.readings();
    const reading = { ts: Date.now() - 60_000, values: { turbidity: 5 } }; // over turbidity-high
    await device.publishAsync('sensors/water_network/wn-01', JSON.stringify(reading), { qos: 1 });
    await h.processed(before, 1);
    const count = async () => {
      const r = await influxQuery(
        influx.url,
        'SELECT count("value") FROM "alerts"',
        'environment',
        influx.logins.reader,
      );
      return (r.results[0]?.series?.[0]?.values[0]?.[1] as number | undefined) ?? 0;
    };
    await waitFor(async () => (await count()) >= 1, 15_000, 'the raised alert in InfluxDB');
    expect(await count()).toBeGreaterThanOrEqual(1);
  });
});
