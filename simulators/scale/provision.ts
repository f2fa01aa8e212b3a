import { readFile, writeFile } from 'node:fs/promises';
import { addDevices } from '../../lib/registry/provision.ts';
import type { ScryptCost } from '../../lib/registry/secrets.ts';
import { loadRegistry, saveRegistry } from '../../lib/registry/store.ts';
import type { DeviceCredentials } from '../device-pool.ts';
import { type SimStation, toRegistryDevices } from '../stations/load.ts';

/**
 * Cheap scrypt for load-test fleets: 10,000 devices hash (and the broker verifies them) in about a
 * second instead of ten minutes. Such secrets are weak against a stolen registry: never use this cost
 * for real devices (DEFAULT_SCRYPT in lib/registry/secrets.ts is the deployment setting).
 */
export const LOAD_TEST_SCRYPT: ScryptCost = { N: 16, r: 1, p: 1 };

async function readCredentials(path: string): Promise<DeviceCredentials[]> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as DeviceCredentials[];
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}

/**
 * Makes sure every station is a device of the registry with a secret in the credentials file
 * (mode 0600). Stations that already have both are kept; one in the registry without a known secret is
 * re-added with a new one. Returns the credentials of all `stations`.
 */
export async function provisionFleet(
  registryPath: string,
  credentialsPath: string,
  stations: readonly SimStation[],
  cost: ScryptCost = LOAD_TEST_SCRYPT,
): Promise<DeviceCredentials[]> {
  let registry = await loadRegistry(registryPath);
  const known = await readCredentials(credentialsPath);
  const secretOf = new Map(known.map((c) => [c.id, c]));
  const inRegistry = new Set(registry.devices.map((d) => d.id));
  const missing = stations.filter((s) => !(secretOf.has(s.id) && inRegistry.has(s.id)));
  const missingIds = new Set(missing.map((s) => s.id));
  registry = { ...registry, devices: registry.devices.filter((d) => !missingIds.has(d.id)) };
  const added = await addDevices(registry, toRegistryDevices(missing), cost);
  await saveRegistry(registryPath, added.registry);
  for (const issued of added.issued) secretOf.set(issued.id, issued);
  await writeFile(credentialsPath, `${JSON.stringify([...secretOf.values()])}\n`, { mode: 0o600 });
  return stations.map((s) => secretOf.get(s.id) as DeviceCredentials);
}
