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

/** A device is refused from the registry's point of view: rotate and restore say so in their errors. */
export class RevokedDevice extends Error {
  override name = 'RevokedDevice';
  readonly code = 'DEVICE_REVOKED';
}

/** Issues a new secret for an active device. A revoked one stays revoked: restoreDevice re-enables it. */
export async function rotateDevice(
  registry: Registry,
  id: string,
  cost?: ScryptCost,
): Promise<{ registry: Registry; secret: string }> {
  const device = registry.devices.find((d) => d.id === id);
  if (!device) throw new Error(`no device '${id}'`);
  if (device.revoked)
    throw new RevokedDevice(
      `device '${id}' is revoked: rotating does not re-enable it; restore it to issue a new secret and let it connect again`,
    );
  return rekey(registry, id, false, cost);
}

/** Re-enables a revoked device with a new secret: the old one may be why it was revoked. */
export async function restoreDevice(
  registry: Registry,
  id: string,
  cost?: ScryptCost,
): Promise<{ registry: Registry; secret: string }> {
  const device = registry.devices.find((d) => d.id === id);
  if (!device) throw new Error(`no device '${id}'`);
  if (!device.revoked) throw new RevokedDevice(`device '${id}' is not revoked: rotate it for a new secret`);
  return rekey(registry, id, true, cost);
}

async function rekey(
  registry: Registry,
  id: string,
  restore: boolean,
  cost?: ScryptCost,
): Promise<{ registry: Registry; secret: string }> {
  const secret = generateSecret();
  const secret_hash = await hashSecret(secret, cost);
  const change = (d: Device): Device =>
    restore ? { ...d, secret_hash, revoked: false } : { ...d, secret_hash };
  return {
    registry: { ...registry, devices: registry.devices.map((d) => (d.id === id ? change(d) : d)) },
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
