import { describe, expect, it } from 'vitest';
import type { Device } from '../../lib/registry/schema.ts';
import { hashSecret, verifySecret } from '../../lib/registry/secrets.ts';
import { TEST_SCRYPT } from '../../testkit/registry.ts';
import { createDeviceAuth } from './device-auth.ts';

async function registry() {
  const devices = new Map<string, Device>();
  const add = async (id: string, secret: string) =>
    devices.set(id, {
      id,
      kind: 'water_network',
      secret_hash: await hashSecret(secret, TEST_SCRYPT),
      revoked: false,
    });
  await add('wn-01', 'right');
  /** Every scrypt check, with the cost of the hash it ran against. */
  const checks: string[] = [];
  const auth = createDeviceAuth({
    device: (id) => {
      const device = devices.get(id);
      return device && !device.revoked ? device : undefined;
    },
    sampleHash: () => devices.values().next().value?.secret_hash,
    verify: (secret, stored) => {
      checks.push(stored.split('$').slice(0, 4).join('$'));
      return verifySecret(secret, stored);
    },
  });
  return { devices, add, checks, auth };
}

describe('device secrets for the HTTP door (device-auth.ts)', () => {
  it('remembers a verified secret: the next request is admitted without scrypt', async () => {
    const { auth, checks } = await registry();
    expect(auth.cached('wn-01', 'right')).toBeUndefined();
    expect((await auth.verify('wn-01', 'right'))?.id).toBe('wn-01');
    expect(auth.cached('wn-01', 'right')?.id).toBe('wn-01');
    expect(auth.cached('wn-01', 'wrong')).toBeUndefined();
    expect(checks).toHaveLength(1);
  });

  it('runs one scrypt of the registry’s cost for an unknown id, as for a wrong secret', async () => {
    const { auth, checks } = await registry();
    expect(await auth.verify('nobody', 'x')).toBeUndefined();
    expect(await auth.verify('wn-01', 'wrong')).toBeUndefined();
    expect(checks).toEqual([`scrypt$${TEST_SCRYPT.N}$8$1`, `scrypt$${TEST_SCRYPT.N}$8$1`]);
  });

  it('pays the scrypt for a wrong secret even when the right one is cached (no fast refusal)', async () => {
    const { auth, checks } = await registry();
    await auth.verify('wn-01', 'right');
    expect(await auth.verify('wn-01', 'wrong')).toBeUndefined();
    expect(checks).toHaveLength(2);
  });

  it('forgets a secret once it is rotated or the device revoked', async () => {
    const { auth, devices, add } = await registry();
    await auth.verify('wn-01', 'right');
    await add('wn-01', 'rotated');
    expect(auth.cached('wn-01', 'right')).toBeUndefined();
    expect(await auth.verify('wn-01', 'right')).toBeUndefined();
    expect((await auth.verify('wn-01', 'rotated'))?.id).toBe('wn-01');
    const device = devices.get('wn-01');
    if (device) devices.set('wn-01', { ...device, revoked: true });
    expect(auth.cached('wn-01', 'rotated')).toBeUndefined();
  });
});
