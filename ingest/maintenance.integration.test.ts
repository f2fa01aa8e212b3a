import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../lib/process/ports.ts';
import { openRecords, type Records } from '../lib/records/database.ts';
import type { NewWindow } from '../lib/records/maintenance.ts';
import { influxCount, influxQuery } from '../testkit/influxd.ts';
import { type Pipeline, startPipeline } from '../testkit/pipeline.ts';

// Issue 15: values inside a maintenance or calibration window of the records database get validity code
// 16 at ingest (real influxd, broker and ingest); values outside keep 0. The ingest only reads the file.
const MIN = 60_000;
const T0 = Math.floor((Date.now() - 3 * 3_600_000) / MIN) * MIN;
const window = (over: Partial<NewWindow>): NewWindow => ({
  station: 'aq-beji-01',
  kind: 'air_quality',
  fields: null,
  type: 'maintenance',
  origin: 'logged',
  start_at: T0 + 10 * MIN,
  end_at: T0 + 20 * MIN,
  rrule: null,
  duration_ms: null,
  who: 'Budi',
  notes: 'filter changed',
  created_by: 'ops',
  ...over,
});

type Row = [
  time: number,
  pm25: number,
  pm10: number,
  validity: number,
  pm25v: number | null,
  pm10v: number | null,
];

describe('maintenance windows at ingest', () => {
  let p: Pipeline;
  let dir: string;
  let records: Records;
  let device: MqttClient;

  const send = async (from: number, count: number) => {
    for (let i = 0; i < count; i++)
      await device.publishAsync(
        'sensors/air_quality/aq-beji-01',
        JSON.stringify({
          ts: T0 + (from + i) * MIN,
          values: { pm25: 20 + (i % 5) / 10, pm10: 40 + (i % 7) / 10 },
        }),
        { qos: 1 },
      );
  };
  const rows = async (): Promise<Row[]> => {
    const r = await influxQuery(
      p.influx.url,
      'SELECT pm25, pm10, validity, pm25_validity, pm10_validity FROM air_quality ORDER BY time',
      p.database,
    );
    const values = (r.results[0]?.series?.[0]?.values ?? []) as unknown as [string, ...number[]][];
    return values.map(([time, ...rest]) => [Date.parse(time), ...rest] as Row);
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ingest-records-'));
    const recordsPath = join(dir, 'records.db');
    records = openRecords(recordsPath);
    records.maintenance.insert(window({}));
    p = await startPipeline([{ id: 'aq-beji-01', kind: 'air_quality' }], { recordsPath });
    expect((await p.ingest.metrics.maintenanceWindows.get()).values[0]?.value).toBe(1);
    device = await p.device('aq-beji-01');
  }, 60_000);
  afterAll(async () => {
    await p?.close();
    records?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('codes values inside a window 16 and values outside 0', async () => {
    await send(0, 30); // minutes 0..29; the window holds 10..19
    await waitFor(
      async () => (await influxCount(p.influx.url, p.database, 'air_quality', 'pm25')) === 30,
      20_000,
      'stored',
    );
    const stored = await rows();
    const codes = stored.map(([, , , validity]) => validity);
    expect(codes).toEqual([...Array(10).fill(0), ...Array(10).fill(16), ...Array(10).fill(0)]);
    expect(stored.every(([, , , , a, b]) => a === null && b === null)).toBe(true);
  });

  it('sees a window added while it runs, on one field: that field 16, the other 0', async () => {
    records.maintenance.insert(
      window({ type: 'calibration', fields: ['pm10'], start_at: T0 + 40 * MIN, end_at: T0 + 45 * MIN }),
    );
    // The ingest checks the file every 2 s: wait until it has read the second window.
    await waitFor(
      async () => (await p.ingest.metrics.maintenanceWindows.get()).values[0]?.value === 2,
      10_000,
      'the ingest read the new window',
    );
    await send(35, 15); // minutes 35..49
    await waitFor(
      async () => (await influxCount(p.influx.url, p.database, 'air_quality', 'pm25')) === 45,
      20_000,
      'stored',
    );
    const later = (await rows()).filter(([time]) => time >= T0 + 35 * MIN);
    const inside = later.filter(([time]) => time >= T0 + 40 * MIN && time < T0 + 45 * MIN);
    const outside = later.filter(([time]) => time < T0 + 40 * MIN || time >= T0 + 45 * MIN);
    expect(inside).toHaveLength(5);
    for (const [, , , validity, pm25v, pm10v] of inside)
      expect([validity, pm25v, pm10v]).toEqual([10, 0, 16]);
    expect(outside.map(([, , , validity]) => validity)).toEqual(Array(10).fill(0));
  });
});
