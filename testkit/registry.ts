import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { addDevices, type NewDevice, setServiceAccount } from '../lib/registry/provision.ts';
import type { Registry } from '../lib/registry/schema.ts';
import { saveRegistry } from '../lib/registry/store.ts';

/** Cheap scrypt for tests: the real cost is a deployment setting, not what a test proves. */
export const TEST_SCRYPT = { N: 1024, r: 8, p: 1 } as const;

export type Credentials = Map<string, string>;

/** A temp folder with a registry holding `devices` plus the service accounts, and their secrets. */
export async function makeRegistry(
  devices: readonly NewDevice[],
  services: Record<string, Registry['services'][number]['role']> = {
    ingest: 'ingest',
    dashboard: 'dashboard',
    flows: 'flows',
  },
) {
  const dir = await mkdtemp(join(tmpdir(), 'registry-'));
  let registry: Registry = { devices: [], services: [] };
  const secrets: Credentials = new Map();
  const added = await addDevices(registry, devices, TEST_SCRYPT);
  registry = added.registry;
  for (const issued of added.issued) secrets.set(issued.id, issued.secret);
  for (const [username, role] of Object.entries(services)) {
    const result = await setServiceAccount(registry, username, role, TEST_SCRYPT);
    registry = result.registry;
    secrets.set(username, result.secret);
  }
  const path = join(dir, 'registry.json');
  await saveRegistry(path, registry);
  return { dir, path, secrets, cleanup: () => rm(dir, { recursive: true, force: true }) };
}
