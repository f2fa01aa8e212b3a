import { describe, expect, it } from 'vitest';
import { addDevices, restoreDevice, revokeDevice, rotateDevice } from './provision.ts';
import { verifySecret } from './secrets.ts';

const cost = { N: 1024, r: 8, p: 1 };

async function oneDevice() {
  return (await addDevices({ devices: [], services: [] }, [{ id: 'aq-1', kind: 'air_quality' }], cost))
    .registry;
}

describe('rotate, revoke and restore', () => {
  it('rotates an active device: a new secret, still active', async () => {
    const { registry, secret } = await rotateDevice(await oneDevice(), 'aq-1', cost);
    const device = registry.devices[0];
    expect(device?.revoked).toBe(false);
    expect(await verifySecret(secret, device?.secret_hash ?? '')).toBe(true);
  });

  it('keeps a revoked device revoked: rotate refuses and says how to restore it', async () => {
    const revoked = revokeDevice(await oneDevice(), 'aq-1');
    await expect(rotateDevice(revoked, 'aq-1', cost)).rejects.toThrow(/is revoked.*restore it/);
    expect(revoked.devices[0]?.revoked).toBe(true);
  });

  it('restores a revoked device with a new secret; an active one is not "restored"', async () => {
    const before = revokeDevice(await oneDevice(), 'aq-1');
    const { registry, secret } = await restoreDevice(before, 'aq-1', cost);
    expect(registry.devices[0]?.revoked).toBe(false);
    expect(registry.devices[0]?.secret_hash).not.toBe(before.devices[0]?.secret_hash);
    expect(await verifySecret(secret, registry.devices[0]?.secret_hash ?? '')).toBe(true);
    await expect(restoreDevice(registry, 'aq-1', cost)).rejects.toThrow(/is not revoked/);
    await expect(restoreDevice(registry, 'ghost', cost)).rejects.toThrow(/no device 'ghost'/);
  });
});
