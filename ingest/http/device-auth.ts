import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Device } from '../../lib/registry/schema.ts';
import { DEFAULT_SCRYPT, hashSecret, type ScryptCost, verifySecret } from '../../lib/registry/secrets.ts';
import type { DeviceAuth } from './device-gate.ts';

export type DeviceAuthOptions = {
  /** The registered, not revoked device with this id (service accounts are not devices). */
  device(id: string): Device | undefined;
  /** Some registered device's stored hash: unknown ids are checked against a dummy of the same cost. */
  sampleHash(): string | undefined;
  /** lib/registry/secrets.ts's; tests count the calls. */
  verify?: (secret: string, stored: string) => Promise<boolean>;
  /** Verified secrets remembered; past it the memory starts again (each device then pays one scrypt). */
  maxEntries?: number;
};

const digest = (secret: string) => createHash('sha256').update(secret).digest();

/** `scrypt$N$r$p$salt$hash` -> its cost; the default when it cannot be read. */
function costOf(stored: string | undefined): ScryptCost {
  const [, N, r, p] = (stored ?? '').split('$').map(Number);
  return N && r && p ? { N, r, p } : DEFAULT_SCRYPT;
}

/**
 * Device secrets for the HTTP door. A secret that verified is remembered as a SHA-256 digest keyed by
 * the stored hash (as the broker's cache does), so a rotated or revoked secret never matches again.
 * A secret not remembered costs exactly one scrypt, for an unknown id too (against a dummy hash), so
 * how long a refusal takes does not tell whether the id is registered. A cached device given a wrong
 * secret pays the scrypt as well: a fast refusal would mark the id as known and active.
 */
export function createDeviceAuth(options: DeviceAuthOptions): DeviceAuth {
  const verify = options.verify ?? verifySecret;
  const maxEntries = options.maxEntries ?? 100_000;
  const verified = new Map<string, Buffer>();
  // Made once, at the first unknown id, with the cost of the hashes the registry holds then.
  let dummy: Promise<string> | undefined;

  return {
    cached(id, secret) {
      const device = options.device(id);
      const known = device && verified.get(device.secret_hash);
      return known && timingSafeEqual(known, digest(secret)) ? device : undefined;
    },
    async verify(id, secret) {
      const device = options.device(id);
      if (!device) {
        dummy ??= hashSecret(randomBytes(16).toString('base64url'), costOf(options.sampleHash()));
        await verify(secret, await dummy);
        return undefined;
      }
      if (!(await verify(secret, device.secret_hash))) return undefined;
      // scrypt ran off the event loop: a rotation or revocation meanwhile wins.
      const current = options.device(id);
      if (current?.secret_hash !== device.secret_hash) return undefined;
      if (verified.size >= maxEntries) verified.clear();
      verified.set(device.secret_hash, digest(secret));
      return current;
    },
  };
}
