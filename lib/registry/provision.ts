import { findKind } from '../catalogue/index.ts';
import { accountNames, type Device, DeviceSchema, type Registry, type ServiceRole } from './schema.ts';
import { generateSecret, hashSecret, type ScryptCost } from './secrets.ts';

export type NewDevice = Omit<Device, 'secret_hash' | 'revoked' | 'created_at'>;
export type Issued = { id: string; kind: string; secret: string };

/** Pure registry edits: each returns the new registry and the one-time secrets it issued. */
export async function addDevices(
  registry: Registry,
  devices: readonly NewDevice[],
  cost?: ScryptCost,
): Promise<{ registry: Registry; issued: Issued[] }> {
  const taken = new Set(accountNames(registry));
  const issued: Issued[] = [];
  const added: Device[] = [];
  for (const device of devices) {
    if (taken.has(device.id)) throw new Error(`'${device.id}' already exists in the registry`);
    if (!findKind(device.kind)) throw new Error(`unknown kind '${device.kind}'`);
    const secret = generateSecret();
    added.push(
      DeviceSchema.parse({
        ...device,
        secret_hash: await hashSecret(secret, cost),
        revoked: false,
        created_at: new Date().toISOString(),
      }),
    );
    taken.add(device.id);
    issued.push({ id: device.id, kind: device.kind, secret });
  }
  return { registry: { ...registry, devices: [...registry.devices, ...added] }, issued };
}

export async function rotateDevice(
  registry: Registry,
  id: string,
  cost?: ScryptCost,
): Promise<{ registry: Registry; secret: string }> {
  const device = registry.devices.find((d) => d.id === id);
  if (!device) throw new Error(`no device '${id}'`);
  const secret = generateSecret();
  const secret_hash = await hashSecret(secret, cost);
  return {
    registry: {
      ...registry,
      devices: registry.devices.map((d) => (d.id === id ? { ...d, secret_hash, revoked: false } : d)),
    },
    secret,
  };
}

export function revokeDevice(registry: Registry, id: string): Registry {
  if (!registry.devices.some((d) => d.id === id)) throw new Error(`no device '${id}'`);
  return { ...registry, devices: registry.devices.map((d) => (d.id === id ? { ...d, revoked: true } : d)) };
}

/** Adds or re-keys a service account; returns its new secret. */
export async function setServiceAccount(
  registry: Registry,
  username: string,
  role: ServiceRole,
  cost?: ScryptCost,
  secret = generateSecret(),
): Promise<{ registry: Registry; secret: string }> {
  if (registry.devices.some((d) => d.id === username)) throw new Error(`'${username}' is a device id`);
  if (registry.integrations?.some((i) => i.username === username))
    throw new Error(`'${username}' is an integration account`);
  const secret_hash = await hashSecret(secret, cost);
  const others = registry.services.filter((s) => s.username !== username);
  return {
    registry: { ...registry, services: [...others, { username, role, secret_hash, revoked: false }] },
    secret,
  };
}
