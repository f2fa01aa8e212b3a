import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { addDevices, setServiceAccount } from '../lib/registry/provision.ts';
import type { Device, ServiceRole } from '../lib/registry/schema.ts';
import { loadRegistry, saveRegistry } from '../lib/registry/store.ts';
import type { DeviceCredentials } from '../simulators/service.ts';
import { type SimStation, toRegistryDevices } from '../simulators/stations/load.ts';

export type LocalSecrets = { services: Record<string, string>; devices: DeviceCredentials[] };

const SERVICES: Record<string, ServiceRole> = {
  ingest: 'ingest',
  flows: 'flows',
  dashboard: 'dashboard',
  operator: 'operator',
};

async function readJson<T>(path: string, fallback: T): Promise<T> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as T;
  } catch {
    return fallback;
  }
}

/**
 * Makes sure the state folder's registry has the service accounts and one device per simulated
 * station. Secrets are generated once and kept in state/ with mode 0600 (the registry keeps only
 * hashes), so a restart reuses them and the broker's persistent sessions stay valid.
 */
/**
 * The stations file is the source of `public` and `self_monitoring` (lib/registry/public.ts): a device
 * provisioned before the file gained them, or whose flag changed since, takes the file's value.
 */
function withPublicity(device: Device, stations: readonly SimStation[]): Device {
  const station = stations.find((s) => s.id === device.id);
  if (!station) return device;
  const { public: _p, self_monitoring: _s, ...rest } = device;
  return {
    ...rest,
    ...(station.public !== undefined && { public: station.public }),
    ...(station.self_monitoring !== undefined && { self_monitoring: station.self_monitoring }),
  };
}

export async function provisionLocal(
  stateDir: string,
  stations: readonly SimStation[],
): Promise<LocalSecrets & { registryPath: string }> {
  const registryPath = join(stateDir, 'registry.json');
  const servicePath = join(stateDir, 'service-secrets.json');
  const credentialsPath = join(stateDir, 'simulator-credentials.json');
  let registry = await loadRegistry(registryPath);
  const services = await readJson<Record<string, string>>(servicePath, {});
  const devices = await readJson<DeviceCredentials[]>(credentialsPath, []);

  for (const [username, role] of Object.entries(SERVICES)) {
    const known = registry.services.some((s) => s.username === username);
    if (known && services[username]) continue;
    const result = await setServiceAccount(registry, username, role);
    registry = result.registry;
    services[username] = result.secret;
  }
  const haveSecret = new Set(devices.map((d) => d.id));
  const missing = stations.filter((s) => !haveSecret.has(s.id));
  // A station in the registry whose secret was lost is re-keyed by dropping and re-adding it.
  registry = { ...registry, devices: registry.devices.filter((d) => !missing.some((m) => m.id === d.id)) };
  const added = await addDevices(registry, toRegistryDevices(missing));
  registry = { ...added.registry, devices: added.registry.devices.map((d) => withPublicity(d, stations)) };
  devices.push(...added.issued);

  await saveRegistry(registryPath, registry);
  await writeFile(servicePath, `${JSON.stringify(services, null, 2)}\n`, { mode: 0o600 });
  await writeFile(credentialsPath, `${JSON.stringify(devices, null, 2)}\n`, { mode: 0o600 });
  return { registryPath, services, devices };
}
