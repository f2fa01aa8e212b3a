import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { type PointWriter, WriteError, WriteErrorKinds } from '../lib/influx/write-error.ts';
import { IngestConfigSchema } from './config.ts';
import { createIngestMetrics } from './metrics.ts';
import { encodeEntry } from './spool/entry.ts';
import { Spool } from './spool/spool.ts';
import { startSpoolDrain } from './spool-drain.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** InfluxDB down: every write fails as a refused connection would, and the ping never answers. */
const influxDown: PointWriter = {
  write: async () => {
    throw new WriteError(WriteErrorKinds.retryable, 'connect ECONNREFUSED 127.0.0.1:9');
  },
  ping: async () => false,
  close: async () => {},
};

const entries = (n: number, from = 0) =>
  Array.from({ length: n }, (_, i) =>
    encodeEntry({
      kind: 'water_network',
      station: 'wn-01',
      line: `water_network,station=wn-01 pressure=2 ${from + i}`,
    }),
  );

function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'spool-drain-'));
  dirs.push(dir);
  const config = IngestConfigSchema.parse({
    mqtt: { password: 'unused' },
    influx: { version: 1, url: 'http://127.0.0.1:9', database: 'environment' },
    batch: { flushIntervalMs: 10, retryBaseMs: 20, retryMaxMs: 50 },
    spool: { dir, fsync: 'none' },
  });
  const logged: { level: number; msg: string; undrained?: number; dir?: string }[] = [];
  const log = pino({ level: 'info' }, { write: (line: string) => logged.push(JSON.parse(line)) });
  const metrics = createIngestMetrics();
  const spool = Spool.open(config.spool);
  const drain = startSpoolDrain(spool, config, influxDown, metrics, () => {}, log, 200);
  const gauge = async () => (await metrics.spoolReadings.get()).values[0]?.value;
  return { dir, config, drain, gauge, logged };
}

describe('spool backlog and stop (issue 13, item 3)', () => {
  it('the backlog gauge is the number of entries not yet drained, however they came in', async () => {
    const { drain, gauge, config } = setup();
    drain.spool.append(entries(7)); // the HTTP door appends directly
    await new Promise((resolve) => setTimeout(resolve, 100)); // the drainer is in its retry loop now
    drain.commits.add(undefined, entries(5, 7), () => {}); // the MQTT path's group commit
    drain.commits.flush();
    drain.spool.append(entries(3, 12));
    expect(await gauge()).toBe(15);
    expect(drain.spool.depth).toBe(15);
    await drain.close();
    // What a restart finds on disk is what the gauge said.
    const reopened = Spool.open(config.spool);
    expect(reopened.depth).toBe(15);
    reopened.close();
  });

  it('a stop with InfluxDB down waits its bound, then logs at warn exactly what stays, and where', async () => {
    const { dir, drain, logged } = setup();
    drain.spool.append(entries(42));
    const started = Date.now();
    await drain.close();
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    const warning = logged.find((l) => l.level === 40 && l.undrained !== undefined);
    expect(warning).toMatchObject({ undrained: 42, dir });
    expect(warning?.msg).toMatch(/stay in the spool/);
  });

  it('a stop that drains in time logs no warning', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'spool-drain-'));
    dirs.push(dir);
    const config = IngestConfigSchema.parse({
      mqtt: { password: 'unused' },
      influx: { version: 1, url: 'http://127.0.0.1:9', database: 'environment' },
      batch: { flushIntervalMs: 10 },
      spool: { dir, fsync: 'none' },
    });
    const written: string[] = [];
    const influxUp: PointWriter = { ...influxDown, write: async (lines) => void written.push(...lines) };
    const logged: { level: number }[] = [];
    const log = pino({ level: 'info' }, { write: (line: string) => logged.push(JSON.parse(line)) });
    const metrics = createIngestMetrics();
    const drain = startSpoolDrain(Spool.open(config.spool), config, influxUp, metrics, () => {}, log, 2000);
    drain.spool.append(entries(9));
    await drain.close();
    expect(written).toHaveLength(9);
    expect((await metrics.spoolReadings.get()).values[0]?.value).toBe(0);
    expect(logged.filter((l) => l.level >= 40)).toEqual([]);
  });
});

describe('one writer per spool folder (issue 13, item 3)', () => {
  it('refuses a second spool on the same folder in this process, naming the folder and the pid', async () => {
    const { dir, drain, config } = setup();
    expect(() => Spool.open(config.spool)).toThrow(
      `the ingest spool ${dir} is in use by process ${process.pid}: another ingest worker writes to it`,
    );
    await drain.close();
    Spool.open(config.spool).close(); // free again once the first is closed
  });
});
