import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../lib/process/ports.ts';
import { addDevices } from '../lib/registry/provision.ts';
import { loadRegistry, saveRegistry } from '../lib/registry/store.ts';
import { influxCount, influxQuery } from '../testkit/influxd.ts';
import { type Pipeline, startPipeline, TEST_SCRYPT } from '../testkit/pipeline.ts';

const STATIONS = [
  { id: 'aq-beji-01', kind: 'air_quality', district: 'beji', operator: 'DLHK Depok' },
  { id: 'ww-tapos-01', kind: 'wastewater', district: 'tapos', operator: 'DLHK Depok' },
  { id: 'wn-limo-01', kind: 'water_network', district: 'limo', operator: 'PDAM Tirta Asasta' },
];

describe('walking skeleton: devices -> broker -> ingest -> influxd', () => {
  let p: Pipeline;
  const rejections: { topic: string; body: { reason: string; detail: string } }[] = [];

  beforeAll(async () => {
    p = await startPipeline(STATIONS);
    // Watch the dead-letter topic as the dashboard account would.
  });
  afterAll(async () => {
    await p?.close();
  });

  it('stores exactly N good readings and rejects each kind of bad input with a reason', async () => {
    const watcher = await p.connect('dashboard', 'dashboard:watcher');
    await watcher.subscribeAsync('ingest/rejected/#', { qos: 1 });
    watcher.on('message', (topic, payload) =>
      rejections.push({ topic, body: JSON.parse(payload.toString()) }),
    );

    const air = await p.device('aq-beji-01');
    const ww = await p.device('ww-tapos-01');
    const wn = await p.device('wn-limo-01');
    const now = Date.now();
    const perKind = 200;
    const sends: Promise<unknown>[] = [];
    for (let i = 0; i < perKind; i++) {
      const ts = now - (perKind - i) * 1000;
      sends.push(
        air.publishAsync(
          'sensors/air_quality/aq-beji-01',
          JSON.stringify({ ts, seq: i, values: { pm25: 20 + (i % 30), pm10: 40, humidity: 0.8 } }),
          { qos: 1 },
        ),
      );
      sends.push(
        ww.publishAsync(
          'sensors/wastewater/ww-tapos-01',
          JSON.stringify({ ts: new Date(ts).toISOString(), values: { ph: 7.1, bod: 22, flow: 12.5 } }),
          { qos: 1 },
        ),
      );
      sends.push(
        wn.publishAsync(
          'sensors/water_network/wn-limo-01',
          JSON.stringify({ ts, values: { pressure: 2.4, flow: -1.5, free_chlorine: 0.3 } }),
          { qos: 1 },
        ),
      );
      if (i === 50) {
        // Interleaved bad input: malformed JSON, out-of-range value, unknown field.
        sends.push(air.publishAsync('sensors/air_quality/aq-beji-01', '{"ts": 1, "values": {', { qos: 1 }));
        sends.push(
          air.publishAsync('sensors/air_quality/aq-beji-01', JSON.stringify({ ts, values: { pm25: 5000 } }), {
            qos: 1,
          }),
        );
        sends.push(
          ww.publishAsync('sensors/wastewater/ww-tapos-01', JSON.stringify({ ts, values: { lead: 0.1 } }), {
            qos: 1,
          }),
        );
        // Another device's topic: the broker drops it, so it never reaches the ingest.
        sends.push(
          wn.publishAsync(
            'sensors/air_quality/aq-beji-01',
            JSON.stringify({ ts: ts + 1, values: { pm25: 1 } }),
            { qos: 1 },
          ),
        );
      }
    }
    await Promise.all(sends);

    await waitFor(
      async () => (await influxCount(p.influx.url, p.database, 'air_quality', 'pm25')) === perKind,
      20_000,
      'air readings',
    );
    await waitFor(
      async () => (await influxCount(p.influx.url, p.database, 'wastewater', 'ph')) === perKind,
      20_000,
      'wastewater readings',
    );
    await waitFor(
      async () => (await influxCount(p.influx.url, p.database, 'water_network', 'pressure')) === perKind,
      20_000,
      'network readings',
    );
    await waitFor(() => rejections.length >= 3, 5000, 'three rejections');
    await p.ingest.drain();

    expect(rejections.map((r) => r.body.reason).sort()).toEqual([
      'malformed_json',
      'out_of_range',
      'unknown_field',
    ]);
    expect(rejections.find((r) => r.body.reason === 'unknown_field')?.topic).toBe(
      'ingest/rejected/wastewater/ww-tapos-01',
    );
    const denied = await p.broker.metrics.publishDenied.get();
    expect(denied.values.find((v) => v.labels.reason === 'acl')?.value).toBe(1);
    // The foreign publish did not land: air_quality holds only aq-beji-01's own 200 points.
    const stations = await influxQuery(
      p.influx.url,
      'SHOW TAG VALUES FROM "air_quality" WITH KEY = "station"',
      p.database,
    );
    expect(stations.results[0]?.series?.[0]?.values).toEqual([['station', 'aq-beji-01']]);
    // Registry attributes are stored as tags.
    const tagged = await influxQuery(
      p.influx.url,
      `SELECT COUNT("pressure") FROM "water_network" WHERE "district" = 'limo' AND "operator" = 'PDAM Tirta Asasta'`,
      p.database,
    );
    expect(tagged.results[0]?.series?.[0]?.values[0]?.[1]).toBe(perKind);
    // Every value is stored with its validity code: pm10 sent as 40 every time is a flat line from the
    // 30th reading on (the catalogue's flatLineCount for particulates); pm25 moves and stays valid.
    const codes = await influxQuery(
      p.influx.url,
      `SELECT COUNT("pm25") FROM "air_quality" WHERE "validity" = 0 OR "pm25_validity" = 0; SELECT COUNT("pm10") FROM "air_quality" WHERE "validity" = 13 OR "pm10_validity" = 13`,
      p.database,
    );
    expect(codes.results.map((r) => r.series?.[0]?.values[0]?.[1])).toEqual([perKind, perKind - 29]);

    const metrics = await p.ingest.metrics.registry.getSingleMetricAsString('ingest_rejected_total');
    expect(metrics).toContain('reason="malformed_json"} 1');
    await watcher.endAsync();
  });

  it('publishes the normalized reading for the alert flows, to the flows account only', async () => {
    const flows = await p.connect('ingest', 'ingest:view');
    // The ingest account may not read readings/# (only the flows and dashboard accounts may): SUBACK 0x80.
    await expect(flows.subscribeAsync('readings/#', { qos: 1 })).rejects.toThrow(/Subscribe error/);
    await flows.endAsync();
    const viewer = await p.connect('flows', 'flows:test');
    const received = new Promise<{ topic: string; body: Record<string, unknown> }>((resolve) =>
      viewer.on('message', (topic, payload) => resolve({ topic, body: JSON.parse(payload.toString()) })),
    );
    await viewer.subscribeAsync('readings/#', { qos: 1 });
    const device = await p.device('wn-limo-01');
    const ts = Date.now();
    await device.publishAsync(
      'sensors/water_network/wn-limo-01',
      JSON.stringify({ ts, values: { pressure: 1.9 } }),
      { qos: 1 },
    );
    expect(await received).toEqual({
      topic: 'readings/water_network/wn-limo-01',
      body: {
        kind: 'water_network',
        station: 'wn-limo-01',
        ts,
        values: { pressure: 1.9 },
        tags: { district: 'limo', operator: 'PDAM Tirta Asasta' },
        // Each value's validity code travels with it (lib/validity/codes.ts): 0 = valid.
        validity: { pressure: 0 },
      },
    });
    await viewer.endAsync();
  });

  it('dead-letters a point InfluxDB refuses and stores the rest of its batch (bisection)', async () => {
    const dashboard = await p.connect('dashboard', 'dashboard:bisect');
    const dead: { reason: string; detail: string }[] = [];
    dashboard.on('message', (_t, payload) => dead.push(JSON.parse(payload.toString())));
    await dashboard.subscribeAsync('ingest/rejected/wastewater/#', { qos: 1 });
    // Make `cod` a string field in this shard: a later float `cod` is a field type conflict (HTTP 400).
    const ts0 = Date.now() - 7_200_000;
    await fetch(`${p.influx.url}/write?db=${p.database}&precision=ms`, {
      method: 'POST',
      body: `wastewater,station=ww-tapos-01 cod="lab pending" ${ts0}`,
    });
    const before = await influxCount(p.influx.url, p.database, 'wastewater', 'ph');
    const device = await p.device('ww-tapos-01');
    const sends = [];
    for (let i = 0; i < 100; i++) {
      const values = i === 37 ? { ph: 7, cod: 80 } : { ph: 7.2 };
      sends.push(
        device.publishAsync(
          'sensors/wastewater/ww-tapos-01',
          JSON.stringify({ ts: ts0 + 1000 + i, values }),
          { qos: 1 },
        ),
      );
    }
    await Promise.all(sends);
    await waitFor(
      () => dead.some((d) => d.reason === 'write_rejected'),
      10_000,
      'dead letter for the conflicting point',
    );
    await p.ingest.drain();
    expect(await influxCount(p.influx.url, p.database, 'wastewater', 'ph')).toBe(before + 99);
    expect(dead.filter((d) => d.reason === 'write_rejected')).toHaveLength(1);
    expect(dead[0]?.detail).toMatch(/field type conflict/);
    await dashboard.endAsync();
  });

  it('sees a device added to the registry while running, without a restart', async () => {
    const registry = await loadRegistry(p.registryPath);
    const added = await addDevices(
      registry,
      [{ id: 'aq-sukmajaya-09', kind: 'air_quality', district: 'sukmajaya', operator: 'DLHK Depok' }],
      TEST_SCRYPT,
    );
    await saveRegistry(p.registryPath, added.registry);
    const secret = added.issued[0]?.secret;
    // Both the broker and the ingest watch the file; connect once the broker admits the new device.
    let device: mqtt.MqttClient | undefined;
    await waitFor(
      async () => {
        device = await mqtt
          .connectAsync(p.mqttUrl, {
            clientId: 'aq-sukmajaya-09',
            username: 'aq-sukmajaya-09',
            password: secret,
            reconnectPeriod: 0,
          })
          .catch(() => undefined);
        return device !== undefined;
      },
      5000,
      'the broker to admit the new device',
    );
    // Give the ingest's watcher the same moment the broker had.
    await new Promise((r) => setTimeout(r, 300));
    await device?.publishAsync(
      'sensors/air_quality/aq-sukmajaya-09',
      JSON.stringify({ ts: Date.now(), values: { pm25: 12 } }),
      { qos: 1 },
    );
    await waitFor(
      async () => {
        const r = await influxQuery(
          p.influx.url,
          `SELECT COUNT("pm25") FROM "air_quality" WHERE "station" = 'aq-sukmajaya-09' AND "district" = 'sukmajaya'`,
          p.database,
        );
        return r.results[0]?.series?.[0]?.values[0]?.[1] === 1;
      },
      10_000,
      'the new station stored with its registry tags',
    );
    await device?.endAsync();
  });

  it('serves health, readiness and Prometheus metrics', async () => {
    const base = `http://127.0.0.1:${p.ingest.httpPort}`;
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ mqtt: true, influx: true });
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toMatch(/ingest_readings_stored_total \d+/);
  });
});
