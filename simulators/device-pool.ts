import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { topics } from '../lib/catalogue/topics.ts';
import type { SimStation } from './stations/load.ts';

export type DeviceCredentials = { id: string; kind: string; secret: string };

export type PoolOptions = {
  mqttUrl: string;
  concurrency: number;
  /** Called after every connection, for progress on large fleets. */
  onConnected?: (count: number) => void;
};

/**
 * One authenticated MQTT connection per station, as real devices have: its own client id, secret and
 * last will (`offline`, retained, on its status topic). Connects `concurrency` at a time so that 10,000
 * devices do not overrun the broker's accept backlog or its scrypt checks.
 */
export async function connectDevices(
  stations: readonly SimStation[],
  credentials: readonly DeviceCredentials[],
  options: PoolOptions,
): Promise<MqttClient[]> {
  const secrets = new Map(credentials.map((c) => [c.id, c.secret]));
  const missing = stations.filter((s) => !secrets.has(s.id)).map((s) => s.id);
  if (missing.length > 0) {
    throw Object.assign(
      new Error(
        `no credentials for ${missing.length} simulated station(s): ${missing.slice(0, 5).join(', ')}`,
      ),
      {
        code: 'SIM_NO_CREDENTIALS',
        hint: 'provision them (npm start does; or `npm run simulate -- --provision`)',
      },
    );
  }
  const clients: MqttClient[] = new Array(stations.length);
  let next = 0;
  let connected = 0;
  const worker = async () => {
    for (;;) {
      const i = next++;
      const station = stations[i];
      if (!station) return;
      const status = topics.status(station.kind, station.id);
      const client = await connectWithRetry(options.mqttUrl, {
        clientId: station.id,
        username: station.id,
        password: secrets.get(station.id),
        clean: true,
        reconnectPeriod: 2000,
        connectTimeout: 30_000,
        will: { topic: status, payload: Buffer.from('offline'), qos: 1, retain: true },
      });
      clients[i] = client;
      client.publish(status, 'online', { qos: 1, retain: true });
      options.onConnected?.(++connected);
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(options.concurrency, stations.length) }, worker));
  } catch (err) {
    await closeDevices(stations, clients.filter(Boolean), false);
    throw err;
  }
  return clients;
}

/**
 * A refused first connect is retried for a few seconds: right after provisioning, the broker may not
 * have reloaded its registry yet. After the first CONNACK, mqtt.js reconnects on its own.
 */
async function connectWithRetry(url: string, options: IClientOptions, attempts = 10): Promise<MqttClient> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await mqtt.connectAsync(url, options, false);
    } catch (err) {
      if (attempt >= attempts) throw err;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

/** A clean stop says so: the retained status becomes "offline" without waiting for the will. */
export async function closeDevices(
  stations: readonly SimStation[],
  clients: readonly MqttClient[],
  sayOffline = true,
): Promise<void> {
  await Promise.all(
    clients.map(async (client, i) => {
      const station = stations[i];
      if (sayOffline && station && client.connected) {
        await Promise.race([
          client.publishAsync(topics.status(station.kind, station.id), 'offline', { qos: 1, retain: true }),
          new Promise((resolve) => setTimeout(resolve, 2000)),
        ]).catch(() => {});
      }
      await client.endAsync(!client.connected);
    }),
  );
}
