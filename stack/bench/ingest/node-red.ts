import type { LoadDevice } from '../../../testkit/load.ts';
import { publishAsFastAsAcked } from '../../../testkit/load.ts';
import { startLocalMosquitto } from '../../../testkit/mosquitto.ts';
import { startNodeRedPeer } from '../../../testkit/nodered-peer/start.ts';
import { type Ctx, connectDevices, createDb, onCrash, untilStored, warmUp } from './context.ts';
import { baseTs, PEER_PASSWORD, READINGS, WINDOW } from './settings.ts';

/** The same readings through Mosquitto + Node-RED (testkit/nodered-peer) into the same influxd. */
export async function nodeRed(ctx: Ctx): Promise<number> {
  const db = 'bench_nodered';
  await createDb(ctx, db);
  const password = PEER_PASSWORD;
  const users: Record<string, string> = { nodered: password };
  for (const id of ctx.stations) users[id] = password;
  const mosquitto = await startLocalMosquitto(users);
  onCrash.add(mosquitto.stop);
  const cleanup: (() => Promise<unknown>)[] = [() => mosquitto.stop()];
  try {
    const peer = await startNodeRedPeer({
      mqttPort: mosquitto.port,
      username: 'nodered',
      password,
      influxUrl: ctx.influx.url,
      database: db,
      work: ctx.work,
    });
    onCrash.add(peer.stop);
    cleanup.push(() => peer.stop());
    const devices = await connectDevices(mosquitto.url, ctx, () => password);
    cleanup.push(() => Promise.all(devices.map((d) => d.client.endAsync(true))));
    await warmUp(ctx, db, devices[0] as LoadDevice);
    const started = performance.now();
    await publishAsFastAsAcked(devices, { total: READINGS, baseTs: baseTs(), window: WINDOW });
    ctx.log(
      `node-red: ${READINGS} PUBACKs from Mosquitto in ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );
    const done = await untilStored(ctx, db, READINGS + 1, 180_000);
    return (READINGS / (done - started)) * 1000;
  } finally {
    for (const step of cleanup.reverse()) await step().catch(() => {});
  }
}
