import type { Logger } from '../lib/log.ts';
import { openRecords } from '../lib/records/database.ts';
import { toDecision } from '../lib/records/validations.ts';
import { LiveRegistry } from '../lib/registry/live-registry.ts';
import { createInfluxData } from './adapters/influx-data.ts';
import { buildPublicApp } from './app.ts';
import type { PublicConfig } from './config.ts';
import { type PublicStation, publicStations } from './core/stations.ts';

export type PublicService = { port: number; url: string; close(): Promise<void> };

/** The citizen page and the open-data API on their own port (issue 17). */
export async function startPublic(config: PublicConfig, log: Logger): Promise<PublicService> {
  const records = openRecords(config.recordsPath);
  const registry = config.registryPath ? new LiveRegistry(config.registryPath, log) : undefined;
  let stations: PublicStation[] = [];
  try {
    await registry?.load();
    if (registry) stations = publicStations(registry.devices());
    else log.warn('REGISTRY_PATH is not set: the public service lists no station');
  } catch (err) {
    records.close();
    throw err;
  }
  // A station provisioned, revoked or made private shows (or goes) without a restart.
  registry?.watch(() => {
    stations = publicStations(registry.devices());
  });

  const app = await buildPublicApp({
    stations: () => stations,
    data: createInfluxData(config.influx),
    decisions: (ids, from, to) => records.validations.list({ stations: [...ids], from, to }).map(toDecision),
    records,
    cacheTtlS: config.cacheTtlS,
    rateLimit: config.rateLimit,
    tileUrl: config.http.tileUrl,
    trustProxy: config.http.trustProxy,
    log,
  });
  try {
    await app.listen({ host: config.http.host, port: config.http.port });
  } catch (err) {
    registry?.close?.();
    records.close();
    throw err;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.http.port;
  const host = config.http.host.includes(':') ? `[${config.http.host}]` : config.http.host;
  const url = `http://${host}:${port}`;
  log.info({ url, stations: stations.length }, 'public page and open-data API listening');
  return {
    port,
    url,
    async close() {
      registry?.close?.();
      await app.close();
      records.close();
    },
  };
}
