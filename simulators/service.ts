import mqtt, { type MqttClient } from 'mqtt';
import { topics } from '../lib/catalogue/topics.ts';
import type { Logger } from '../lib/log.ts';
import type { SimulatorConfig } from './config.ts';
import type { SimStation } from './fleet.ts';
import { profiles } from './profiles/index.ts';
import { hashSeed, seededRandom } from './random.ts';

export type DeviceCredentials = { id: string; kind: string; secret: string };

export type SimulatorService = {
  /** Readings published and acknowledged (QoS 1) or sent (QoS 0). */
  published(): number;
  /** Resolves after `rounds` rounds (immediately if rounds is 0 and never otherwise). */
  done: Promise<void>;
  close(): Promise<void>;
};

/**
 * Runs each station as its own authenticated device connection, publishing the native payload every
 * interval with device time that runs `timeScale` times faster than the wall clock.
 */
export async function startSimulator(
  config: SimulatorConfig,
  stations: readonly SimStation[],
  credentials: readonly DeviceCredentials[],
  log: Logger,
): Promise<SimulatorService> {
  const secrets = new Map(credentials.map((c) => [c.id, c.secret]));
  const startedAt = Date.now();
  const simTime = () => startedAt + (Date.now() - startedAt) * config.timeScale;
  let published = 0;
  let finishedStations = 0;
  let resolveDone: () => void = () => {};
  const done = new Promise<void>((resolve) => {
    resolveDone = resolve;
  });
  const clients: MqttClient[] = [];
  const timers: NodeJS.Timeout[] = [];

  await Promise.all(
    stations.map(async (station, index) => {
      const secret = secrets.get(station.id);
      const profile = profiles[station.kind];
      if (!secret) throw new Error(`no credentials for simulated station ${station.id}`);
      if (!profile) throw new Error(`no simulator profile for kind ${station.kind}`);
      const status = topics.status(station.kind, station.id);
      const client = await mqtt.connectAsync(config.mqttUrl, {
        clientId: station.id,
        username: station.id,
        password: secret,
        clean: true,
        reconnectPeriod: 1000,
        will: { topic: status, payload: Buffer.from('offline'), qos: 1, retain: true },
      });
      clients.push(client);
      client.publish(status, 'online', { qos: 1, retain: true });
      const random = seededRandom(hashSeed(`${config.seed}:${station.id}:values`));
      let seq = 0;
      let round = 0;
      const tick = () => {
        const ts = Math.round(simTime());
        const payload = JSON.stringify({ ts, seq: seq++, values: profile(station, ts, random) });
        client.publish(topics.reading(station.kind, station.id), payload, { qos: config.qos }, (err) => {
          if (err) log.warn({ station: station.id, err: err.message }, 'publish failed');
          else published++;
        });
        round++;
        if (config.rounds > 0 && round >= config.rounds) {
          clearInterval(interval);
          if (++finishedStations === stations.length) {
            // Resolve once the last acknowledgements are in.
            const wait = setInterval(() => {
              if (published >= stations.length * config.rounds) {
                clearInterval(wait);
                resolveDone();
              }
            }, 20);
            timers.push(wait);
          }
        }
      };
      // Spread stations over the interval so the broker sees a steady rate, not bursts.
      const offset = Math.floor((index / Math.max(1, stations.length)) * config.intervalMs);
      let interval: NodeJS.Timeout | undefined;
      timers.push(
        setTimeout(() => {
          interval = setInterval(tick, config.intervalMs);
          timers.push(interval);
          tick();
        }, offset),
      );
    }),
  );
  log.info(
    { stations: stations.length, intervalMs: config.intervalMs, timeScale: config.timeScale },
    'simulator running',
  );

  return {
    published: () => published,
    done,
    async close() {
      for (const t of timers) clearInterval(t);
      await Promise.all(
        clients.map(async (client) => {
          // A clean stop says so: the retained status becomes "offline" without waiting for the will.
          const station = stations.find((s) => s.id === client.options.clientId);
          if (station)
            await client
              .publishAsync(topics.status(station.kind, station.id), 'offline', { qos: 1, retain: true })
              .catch(() => {});
          await client.endAsync();
        }),
      );
    },
  };
}
