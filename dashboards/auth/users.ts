import { createHash, randomBytes } from 'node:crypto';
import type { Access } from '../../lib/records/access.ts';
import type { Records } from '../../lib/records/database.ts';
import type { UserRecord } from '../../lib/records/users.ts';
import { hashSecret, verifySecret } from '../../lib/registry/secrets.ts';

// Console users and API tokens live in the records database (lib/records). Passwords are scrypt hashes
// (the broker's format); tokens are 32 random bytes, so a SHA-256 digest is enough to store them.

export function tokenDigest(token: string): string {
  return `sha256$${createHash('sha256').update(token).digest('hex')}`;
}

/** A new API token: shown once, only its digest is stored. */
export function newToken(): { token: string; token_hash: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, token_hash: tokenDigest(token) };
}

// Verifying an unknown user still costs one scrypt, so response time does not reveal who exists.
const DUMMY_HASH = hashSecret(randomBytes(16).toString('hex'));

export type SecretVerifier = (secret: string, stored: string) => Promise<boolean>;

export type TokenPrincipal = { name: string; stamp: string; access: Access };

/**
 * Who may log in, read from the records database on every call (node:sqlite is synchronous and a
 * lookup by name costs microseconds), so a change by the users CLI or the admin API is seen by the
 * next request and the next live-stream check. `verify` is scrypt; tests inject a counting one.
 */
export class UserDirectory {
  readonly #records: Records;
  readonly #verify: SecretVerifier;

  constructor(records: Records, verify: SecretVerifier = verifySecret) {
    this.#records = records;
    this.#verify = verify;
  }

  count(): number {
    return this.#records.users.count();
  }

  /** The user's stamp when the password is right, to store in the session. */
  async login(username: string, password: string): Promise<string | undefined> {
    const user = this.#records.users.get(username);
    const ok = await this.#verify(password, user?.password_hash ?? (await DUMMY_HASH));
    // Read again after the (slow) check: a user removed or changed meanwhile does not get a session.
    return ok && user && this.#records.users.stamp(username) === user.stamp ? user.stamp : undefined;
  }

  async verifyPassword(username: string, password: string): Promise<boolean> {
    return (await this.login(username, password)) !== undefined;
  }

  /** The user's current record (roles, scope, language); undefined once removed. */
  user(username: string): UserRecord | undefined {
    return this.#records.users.get(username);
  }

  /** The token's name, stamp and access when it is valid. */
  tokenPrincipal(token: string): TokenPrincipal | undefined {
    const found = this.#records.tokens.byHash(tokenDigest(token));
    return (
      found && { name: found.name, stamp: found.stamp, access: { roles: found.roles, scope: found.scope } }
    );
  }

  /** Current stamp of a user; undefined once removed. Changes with password, roles or scope. */
  userStamp(username: string): string | undefined {
    return this.#records.users.stamp(username);
  }

  tokenStamp(name: string): string | undefined {
    return this.#records.tokens.stamp(name);
  }
}
