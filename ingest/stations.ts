import type { Logger } from '../lib/log.ts';
import { LiveRegistry } from '../lib/registry/live-registry.ts';
import type { Device } from '../lib/registry/schema.ts';
import { stationTags } from '../lib/registry/store.ts';
import type { IngestConfig } from './config.ts';
import type { StationInfo } from './core/decode.ts';

export type Stations = {
  /** The station's kind and registry tags; undefined when not registered or revoked. */
  lookup(id: string): StationInfo | undefined;
  /** The registered, not revoked device with this id (no secret checked). */
  device(id: string): Device | undefined;
  /** Some registered device's stored secret hash (its scrypt cost is what a dummy check copies). */
  sampleHash(): string | undefined;
  close(): void;
};

/**
 * The registry's stations, re-read when the file changes (the devices CLI and the admin API edit it):
 * a device added, moved or revoked is seen without restarting the worker. Undefined when the
 * configuration names no registry or accepts unregistered stations.
 */
export async function watchStations(config: IngestConfig, log: Logger): Promise<Stations | undefined> {
  if (!config.registryPath || !config.requireRegisteredStation) return undefined;
  const registry = new LiveRegistry(config.registryPath, log);
  await registry.load();
  registry.watch(() => log.info({ accounts: registry.size }, 'registry reloaded'));
  // Device records are replaced on reload, so this cache forgets stale tags by itself.
  const infos = new WeakMap<Device, StationInfo>();
  const device = (id: string): Device | undefined => {
    const account = registry.lookup(id);
    return account?.type === 'device' && !account.device.revoked ? account.device : undefined;
  };
  const lookup = (id: string): StationInfo | undefined => {
    const found = device(id);
    if (!found) return undefined;
    let info = infos.get(found);
    if (!info) {
      info = { kind: found.kind, tags: stationTags(found) };
      infos.set(found, info);
    }
    return info;
  };
  const sampleHash = () => registry.devices()[0]?.secret_hash;
  return { lookup, device, sampleHash, close: () => registry.close() };
}
