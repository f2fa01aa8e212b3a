import { createHash, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

/**
 * Device and service secrets are stored only as scrypt hashes (RFC 7914, Node's maintained
 * implementation): `scrypt$N$r$p$salt$hash`, salt and hash base64url. N=2^15 costs ~60 ms and 32 MiB.
 */
export const DEFAULT_SCRYPT = { N: 2 ** 15, r: 8, p: 1 } as const;
export type ScryptCost = { N: number; r: number; p: number };
const KEY_LENGTH = 32;

function derive(secret: string, salt: Buffer, cost: ScryptCost): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(secret, salt, KEY_LENGTH, { ...cost, maxmem: 256 * cost.N * cost.r }, (err, key) =>
      err ? reject(err) : resolve(key),
    );
  });
}

export async function hashSecret(secret: string, cost: ScryptCost = DEFAULT_SCRYPT): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(secret, salt, cost);
  return `scrypt$${cost.N}$${cost.r}$${cost.p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

export async function verifySecret(secret: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [N, r, p] = parts.slice(1, 4).map(Number);
  if (!N || !r || !p) return false;
  const expected = Buffer.from(parts[5] ?? '', 'base64url');
  const key = await derive(secret, Buffer.from(parts[4] ?? '', 'base64url'), { N, r, p });
  return key.length === expected.length && timingSafeEqual(key, expected);
}

/** A random secret for a new device: 32 bytes, base64url (no characters that need quoting in a shell). */
export function generateSecret(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * Remembers secrets that verified, keyed by the stored hash, as a SHA-256 digest: a device that
 * reconnects (or 10,000 after a broker restart) costs one scrypt each, not one per CONNECT.
 * A rotated or revoked secret has a new hash (or none), so stale entries can never match.
 */
export class VerifiedSecretCache {
  #entries = new Map<string, Buffer>();
  readonly #max: number;

  constructor(max = 100_000) {
    this.#max = max;
  }

  async verify(secret: string, stored: string): Promise<boolean> {
    const digest = createHash('sha256').update(secret).digest();
    const known = this.#entries.get(stored);
    if (known) return timingSafeEqual(known, digest);
    const ok = await verifySecret(secret, stored);
    if (ok) {
      if (this.#entries.size >= this.#max) this.#entries.clear();
      this.#entries.set(stored, digest);
    }
    return ok;
  }
}
