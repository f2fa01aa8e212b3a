import mqtt from 'mqtt';
import { waitFor } from '../../../lib/process/ports.ts';
import { influxCount, influxQuery, type LocalInfluxd } from '../../../testkit/influxd.ts';
import { benchReading, type LoadDevice } from '../../../testkit/load.ts';
import type { makeRegistry } from '../../../testkit/pipeline.ts';
import { baseTs, MEASUREMENT } from './settings.ts';

export type Log = (line: string) => void;
type Registry = Awaited<ReturnType<typeof makeRegistry>>;
/** What every phase shares: one influxd, one registry of the bench stations, one work folder. */
export type Ctx = { log: Log; influx: LocalInfluxd; registry: Registry; work: string; stations: string[] };

/**
 * Stops of every process this section started. The broker runs in this process: if it crashes the
 * process (an uncaught error in aedes), `finally` blocks never run, so an 'exit' handler signals
 * these (each sends its signal synchronously) and removes the work folder.
 */
export const onCrash = new Set<() => unknown>();

/**
 * Polls COUNT(pressure) (every 20 ms at first, then every 250 ms: the clock's resolution) until it
 * is exactly `expected`; returns that moment. Fewer by the deadline is a loss, more is a duplicate.
 */
export async function untilStored(
  ctx: Ctx,
  db: string,
  expected: number,
  timeoutMs: number,
): Promise<number> {
  let last = -1;
  await waitFor(
    async () => {
      last = await influxCount(ctx.influx.url, db, MEASUREMENT, 'pressure');
      return last >= expected;
    },
    timeoutMs,
    `${expected} readings in ${db}`,
  ).catch((err: Error) => {
    throw new Error(`loss: ${last} of ${expected} readings stored in ${db} (${err.message})`);
  });
  if (last !== expected) throw new Error(`${last} readings stored in ${db}, ${expected} sent`);
  return performance.now();
}

export async function createDb(ctx: Ctx, db: string) {
  await influxQuery(ctx.influx.url, `CREATE DATABASE "${db}"`);
}

/** One MQTT connection per bench station, logged in as that station. */
export async function connectDevices(url: string, ctx: Ctx, password: (id: string) => string | undefined) {
  return Promise.all(
    ctx.stations.map(
      async (id): Promise<LoadDevice> => ({
        id,
        kind: MEASUREMENT,
        client: await mqtt.connectAsync(url, {
          clientId: id,
          username: id,
          password: password(id),
          reconnectPeriod: 0,
        }),
      }),
    ),
  );
}

/**
 * Sends one reading, again every second (same station and time: one point however often it is
 * stored), until InfluxDB has it: then the subscriber's subscription is live and the clock may start.
 * Its device time is an hour before the runs' (base + index), so it is a point of its own.
 */
export async function warmUp(ctx: Ctx, db: string, device: LoadDevice): Promise<void> {
  const payload = benchReading(0, baseTs() - 3_600_000);
  const deadline = Date.now() + 30_000;
  while ((await influxCount(ctx.influx.url, db, MEASUREMENT, 'pressure')) < 1) {
    if (Date.now() > deadline) throw new Error(`the warm-up reading never reached ${db}`);
    await device.client.publishAsync(`sensors/${MEASUREMENT}/${device.id}`, payload, { qos: 1 });
    await new Promise((r) => setTimeout(r, 1000));
  }
}
