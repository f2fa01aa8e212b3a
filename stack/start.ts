import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { brokerConfigFromEnv } from '../broker/config.ts';
import { startBroker } from '../broker/service.ts';
import { ingestConfigFromEnv } from '../ingest/config.ts';
import { startIngest } from '../ingest/service.ts';
import { kinds } from '../lib/catalogue/index.ts';
import type { Logger } from '../lib/log.ts';
import { simulatorConfigFromEnv } from '../simulators/config.ts';
import { generateFleet } from '../simulators/fleet.ts';
import { startSimulator } from '../simulators/service.ts';
import type { StackConfig } from './config.ts';
import { ensureInfluxd } from './ensure-influxd.ts';
import { influxQuery, startLocalInfluxd } from './local/influxd.ts';
import { provisionLocal } from './provision-local.ts';

type Closable = { name: string; close(): Promise<void> };

/**
 * The whole stack on one machine: influxd (unless INFLUX_URL is set), broker, ingest and simulators,
 * wired with the credentials it provisions in the state folder. Closing stops them in reverse order.
 */
export async function startStack(config: StackConfig, log: Logger): Promise<{ close(): Promise<void> }> {
  const started: Closable[] = [];
  const close = async () => {
    for (const part of started.reverse()) {
      await part.close().catch((err: Error) => log.error({ err, part: part.name }, 'stop failed'));
    }
  };
  try {
    const stateDir = resolve(config.stateDir);
    await mkdir(stateDir, { recursive: true, mode: 0o700 });

    let influxUrl = config.influxUrl;
    if (!influxUrl) {
      const binary = ensureInfluxd((line) => log.info(line));
      const influx = await startLocalInfluxd({
        binary,
        dataDir: join(stateDir, 'influxdb'),
        port: config.influxPort,
      });
      started.push({ name: 'influxd', close: () => influx.stop() });
      influxUrl = influx.url;
      await influxQuery(influxUrl, `CREATE DATABASE "${config.database}"`);
      log.info({ url: influxUrl, database: config.database }, 'influxd started (data in state/influxdb)');
    }

    const fleet = generateFleet(
      kinds.map((k) => k.id),
      config.stationsPerKind,
    );
    const secrets = await provisionLocal(stateDir, fleet);
    const env = {
      ...process.env,
      REGISTRY_PATH: secrets.registryPath,
      BROKER_PORT: String(config.brokerPort),
      INFLUX_URL: influxUrl,
      INFLUX_DATABASE: config.database,
      MQTT_URL: `mqtt://127.0.0.1:${config.brokerPort}`,
    };

    const broker = await startBroker(brokerConfigFromEnv(env), log.child({ service: 'broker' }));
    started.push({ name: 'broker', close: () => broker.close() });

    const ingest = await startIngest(
      ingestConfigFromEnv({ ...env, MQTT_PASSWORD: secrets.services.ingest }),
      log.child({ service: 'ingest' }),
    );
    started.push({ name: 'ingest', close: () => ingest.close() });

    const simulator = await startSimulator(
      { ...simulatorConfigFromEnv(env), intervalMs: config.intervalMs, timeScale: config.timeScale },
      fleet,
      secrets.devices,
      log.child({ service: 'simulators' }),
    );
    started.push({ name: 'simulators', close: () => simulator.close() });

    log.info(
      {
        mqtt: env.MQTT_URL,
        influx: influxUrl,
        database: config.database,
        stations: fleet.length,
        ingestHttp: `http://127.0.0.1:${ingest.httpPort}/metrics`,
        brokerHttp: `http://127.0.0.1:${broker.httpPort}/metrics`,
      },
      'stack running: Ctrl-C stops everything',
    );
    return { close };
  } catch (err) {
    await close();
    throw err;
  }
}
