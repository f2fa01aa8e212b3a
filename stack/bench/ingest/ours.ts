import { mkdtemp } from 'node:fs/promises';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { startBrokerProcess } from '../../../testkit/broker-process.ts';
import { influxQuery } from '../../../testkit/influxd.ts';
import type { LoadDevice } from '../../../testkit/load.ts';
import { startLocalMosquitto } from '../../../testkit/mosquitto.ts';
import { type Ctx, connectDevices, createDb, onCrash, warmUp } from './context.ts';
import { type Ingest, startIngestChild } from './ingest-child.ts';
import { BROKER_PERSISTENCE, PEER_PASSWORD, STATIONS } from './settings.ts';

export type Ours = {
  devices: LoadDevice[];
  ingest: Ingest;
  /** readings/... messages the flows' session got (with `flowsSession`), copies included. */
  forwarded(): number;
  close(): Promise<void>;
};

/**
 * Our broker (journal persistence, as deployed, in a fresh folder; flood limits raised: 200 stations
 * sending as fast as they can is the point here) + the ingest as a child process + `db`. A first
 * reading goes through and is stored before the clock starts: the subscription is live and the
 * code paths are warm. With `via: 'mosquitto'` Mosquitto stands in for our broker. With `flowsSession`
 * the flows' account holds a persistent QoS 1 subscription to `readings/#` and acknowledges every
 * forward, as Node-RED does: the broker then stores each forward for that session too.
 */
export async function startOurs(
  ctx: Ctx,
  db: string,
  via: 'ours' | 'mosquitto' = 'ours',
  flowsSession = false,
  /** false: the ingest without its validity stage (ingest-no-validity-main.ts). */
  validity = true,
): Promise<Ours> {
  await createDb(ctx, db);
  const cleanup: (() => Promise<unknown>)[] = [() => influxQuery(ctx.influx.url, `DROP DATABASE "${db}"`)];
  const close = async () => {
    for (const step of cleanup.reverse()) await step().catch(() => {});
  };
  try {
    let url: string;
    let password = (id: string) => ctx.registry.secrets.get(id);
    if (via === 'ours') {
      // Its own process, as deployed and as Mosquitto is for the peer: not sharing a core with the load.
      const broker = await startBrokerProcess({
        REGISTRY_PATH: ctx.registry.path,
        BROKER_WATCH_REGISTRY: 'false',
        BROKER_PERSISTENCE: BROKER_PERSISTENCE,
        BROKER_PERSISTENCE_DIR: await mkdtemp(join(ctx.work, 'broker-')),
        BROKER_DEVICE_MESSAGES_PER_SECOND: '1000000',
        BROKER_DEVICE_BURST_MESSAGES: '1000000',
        // Every simulated station connects from 127.0.0.1.
        BROKER_MAX_CONNECTIONS_PER_ADDRESS: String(STATIONS + 16),
      });
      const kill = () => broker.kill('SIGKILL');
      onCrash.add(kill);
      cleanup.push(async () => {
        onCrash.delete(kill);
        await broker.stop();
      });
      url = broker.url;
    } else {
      const users: Record<string, string> = { ingest: PEER_PASSWORD };
      for (const id of ctx.stations) users[id] = PEER_PASSWORD;
      const mosquitto = await startLocalMosquitto(users);
      onCrash.add(mosquitto.stop);
      cleanup.push(() => mosquitto.stop());
      url = mosquitto.url;
      password = () => PEER_PASSWORD;
    }
    let forwarded = 0;
    if (flowsSession) {
      const flows = await mqtt.connectAsync(url, {
        clientId: 'flows',
        username: 'flows',
        password: password('flows'),
        clean: false,
        reconnectPeriod: 0,
      });
      flows.on('message', () => forwarded++);
      await flows.subscribeAsync('readings/#', { qos: 1 });
      cleanup.push(() => flows.endAsync(true));
    }
    const ingest = await startIngestChild(ctx, url, db, password('ingest'), validity);
    cleanup.push(() => ingest.stop());
    const devices = await connectDevices(url, ctx, password);
    cleanup.push(() => Promise.all(devices.map((d) => d.client.endAsync(true))));
    await warmUp(ctx, db, devices[0] as LoadDevice);
    return { devices, ingest, forwarded: () => forwarded, close };
  } catch (err) {
    await close();
    throw err;
  }
}
