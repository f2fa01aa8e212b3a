import type { Logger } from '../lib/log.ts';
import { LiveRegistry } from '../lib/registry/live-registry.ts';
import type { Device } from '../lib/registry/schema.ts';
import { VerifiedSecretCache } from '../lib/registry/secrets.ts';
import { stationTags } from '../lib/registry/store.ts';
import { verifyAccount } from '../lib/registry/verify-account.ts';
import type { IngestConfig } from './config.ts';
import type { StationInfo } from './core/decode.ts';

export type Stations = {
  /** The station's kind and registry tags; undefined when not registered or revoked. */
  lookup(id: string): StationInfo | undefined;
  /** Whether a device with this id is registered and not revoked (cheap: no secret checked). */
  knows(id: string): boolean;
  /** A device's own secret (the one it uses for MQTT), checked as the broker does. */
  authenticate(id: string, secret: string): Promise<Device | undefined>;
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
  const secrets = new VerifiedSecretCache();
  const authenticate = async (id: string, secret: string): Promise<Device | undefined> => {
    const verdict = await verifyAccount(registry, secrets, id, secret);
    return verdict.ok && verdict.account.type === 'device' ? verdict.account.device : undefined;
  };
  const lookup = (id: string): StationInfo | undefined => {
    const account = registry.lookup(id);
    if (account?.type !== 'device' || account.device.revoked) return undefined;
    let info = infos.get(account.device);
    if (!info) {
      info = { kind: account.device.kind, tags: stationTags(account.device) };
      infos.set(account.device, info);
    }
    return info;
  };
  const knows = (id: string) => lookup(id) !== undefined;
  return { lookup, knows, authenticate, close: () => registry.close() };
}
