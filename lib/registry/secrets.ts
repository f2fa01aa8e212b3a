import { createHash, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

/**
 * Device and service secrets are stored only as scrypt hashes (RFC 7914, Node's maintained
 * implementation): `scrypt$N$r$p$salt$hash`, salt and hash base64url. N=2^15 costs ~60 ms and 32 MiB.
 */
export const DEFAULT_SCRYPT = { N: 2 ** 15, r: 8, p: 1 } as const;
export type ScryptCost = { N: number; r: number; p: number };
const KEY_LENGTH = 32;

/** What scrypt needs to check a secret against a stored hash. */
export type StoredHash = { cost: ScryptCost; salt: Buffer; key: Buffer };

/** Derives a key: on libuv's threadpool here, on worker threads in scrypt-pool.ts. */
export type DeriveKey = (
  secret: string,
  salt: Buffer,
  cost: ScryptCost,
  keyLength: number,
) => Promise<Buffer>;

/** scrypt needs 128 * N * r bytes; twice that leaves room for Node's own bookkeeping. */
export const scryptMaxmem = (cost: ScryptCost) => 256 * cost.N * cost.r;

const libuvDerive: DeriveKey = (secret, salt, cost, keyLength) =>
  new Promise((resolve, reject) => {
    scrypt(secret, salt, keyLength, { ...cost, maxmem: scryptMaxmem(cost) }, (err, key) =>
      err ? reject(err) : resolve(key),
    );
  });

export async function hashSecret(secret: string, cost: ScryptCost = DEFAULT_SCRYPT): Promise<string> {
  const salt = randomBytes(16);
  const key = await libuvDerive(secret, salt, cost, KEY_LENGTH);
  return `scrypt$${cost.N}$${cost.r}$${cost.p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

/** The parts of a stored hash, or undefined when it is not one of ours. */
export function parseHash(stored: string): StoredHash | undefined {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return undefined;
  const [N, r, p] = parts.slice(1, 4).map(Number);
  if (!N || !r || !p) return undefined;
  return {
    cost: { N, r, p },
    salt: Buffer.from(parts[4] ?? '', 'base64url'),
    key: Buffer.from(parts[5] ?? '', 'base64url'),
  };
}

export async function verifySecret(
  secret: string,
  stored: string,
  derive: DeriveKey = libuvDerive,
): Promise<boolean> {
  const hash = parseHash(stored);
  if (!hash) return false;
  const key = await derive(secret, hash.salt, hash.cost, KEY_LENGTH);
  return key.length === hash.key.length && timingSafeEqual(key, hash.key);
}

/** A random secret for a new device: 32 bytes, base64url (no characters that need quoting in a shell). */
export function generateSecret(): string {
  return randomBytes(32).toString('base64url');
}

export type SecretVerifier = (secret: string, stored: string) => Promise<boolean>;

/**
 * Remembers secrets that verified, keyed by the stored hash, as a SHA-256 digest: a device that
 * reconnects (or 10,000 after a broker restart) costs one scrypt each, not one per CONNECT.
 * A rotated or revoked secret has a new hash (or none), so stale entries can never match.
 */
export class VerifiedSecretCache {
  #entries = new Map<string, Buffer>();
  readonly #max: number;
  readonly #verify: SecretVerifier;

  /** `verify` runs scrypt (the broker passes its worker pool's). */
  constructor(max = 100_000, verify: SecretVerifier = verifySecret) {
    this.#max = max;
    this.#verify = verify;
  }

  /**
   * What the cache knows without scrypt: true when the secret is the one that verified for this hash,
   * false when another secret verified for it (so this one is wrong), undefined when it knows nothing.
   */
  recall(secret: string, stored: string): boolean | undefined {
    const known = this.#entries.get(stored);
    if (!known) return undefined;
    return timingSafeEqual(known, createHash('sha256').update(secret).digest());
  }

  async verify(secret: string, stored: string): Promise<boolean> {
    const known = this.recall(secret, stored);
    if (known !== undefined) return known;
    const ok = await this.#verify(secret, stored);
    if (ok) {
      if (this.#entries.size >= this.#max) this.#entries.clear();
      this.#entries.set(stored, createHash('sha256').update(secret).digest());
    }
    return ok;
  }
}
