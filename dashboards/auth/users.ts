import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile, rename, stat, writeFile } from 'node:fs/promises';
import { z } from 'zod';
import { hashSecret, type ScryptCost, verifySecret } from '../../lib/registry/secrets.ts';

// Console users and API tokens. Passwords are stored as scrypt hashes (the broker's format); tokens are
// 32 random bytes, so a SHA-256 digest is enough to store them (no dictionary to attack).

const Name = z.string().regex(/^[a-z][a-z0-9._-]{0,63}$/, 'lower-case letters, digits, ".", "_", "-"');

export const UsersFileSchema = z.strictObject({
  users: z
    .array(z.strictObject({ username: Name, password_hash: z.string().startsWith('scrypt$') }))
    .default([]),
  tokens: z
    .array(z.strictObject({ name: Name, token_hash: z.string().regex(/^sha256\$[0-9a-f]{64}$/) }))
    .default([]),
});
export type UsersFile = z.infer<typeof UsersFileSchema>;

export async function loadUsers(path: string): Promise<UsersFile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { users: [], tokens: [] };
    throw err;
  }
  const parsed = UsersFileSchema.safeParse(JSON.parse(text));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`${path}: ${issue?.path.join('.') ?? ''} ${issue?.message ?? 'invalid'}`);
  }
  return parsed.data;
}

export async function saveUsers(path: string, users: UsersFile): Promise<void> {
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify(users, null, 2)}\n`, { mode: 0o600 });
  await rename(tmp, path);
}

export function tokenDigest(token: string): string {
  return `sha256$${createHash('sha256').update(token).digest('hex')}`;
}

export async function setUser(file: UsersFile, username: string, password: string, cost?: ScryptCost) {
  Name.parse(username);
  if (password.length < 10) throw new Error('passwords need at least 10 characters');
  const password_hash = await hashSecret(password, cost);
  return {
    ...file,
    users: [...file.users.filter((u) => u.username !== username), { username, password_hash }],
  };
}

/** Returns the new file and the token, which is shown once and never stored. */
export function addToken(file: UsersFile, name: string): { file: UsersFile; token: string } {
  Name.parse(name);
  const token = randomBytes(32).toString('base64url');
  const tokens = [...file.tokens.filter((t) => t.name !== name), { name, token_hash: tokenDigest(token) }];
  return { file: { ...file, tokens }, token };
}

// Verifying an unknown user still costs one scrypt, so response time does not reveal who exists.
const DUMMY_HASH = hashSecret(randomBytes(16).toString('hex'));

/** Version of one user or token record: changes with any edit (new password, removal, a future role). */
function stampOf(record: object): string {
  return createHash('sha256').update(JSON.stringify(record)).digest('base64url').slice(0, 22);
}

export type SecretVerifier = (secret: string, stored: string) => Promise<boolean>;

/**
 * The users file, re-read when it changes (the CLI replaces it with a rename while the console runs:
 * inode, size or mtime differ). `verify` is scrypt; tests inject a counting one.
 */
export class UserDirectory {
  readonly #path: string;
  readonly #verify: SecretVerifier;
  #file: UsersFile = { users: [], tokens: [] };
  #version = '';

  constructor(path: string, verify: SecretVerifier = verifySecret) {
    this.#path = path;
    this.#verify = verify;
  }

  /** Re-reads the file when it changed since the last call; the sync lookups below see the result. */
  async refresh(): Promise<UsersFile> {
    const version = await stat(this.#path).then(
      (s) => `${s.ino}:${s.size}:${s.mtimeMs}`,
      () => 'missing',
    );
    if (version !== this.#version) {
      this.#file = await loadUsers(this.#path);
      this.#version = version;
    }
    return this.#file;
  }

  async load(): Promise<number> {
    return (await this.refresh()).users.length;
  }

  /** The user's stamp when the password is right, to store in the session. */
  async login(username: string, password: string): Promise<string | undefined> {
    const user = (await this.refresh()).users.find((u) => u.username === username);
    const ok = await this.#verify(password, user?.password_hash ?? (await DUMMY_HASH));
    return ok && user ? stampOf(user) : undefined;
  }

  async verifyPassword(username: string, password: string): Promise<boolean> {
    return (await this.login(username, password)) !== undefined;
  }

  /** The token's name and stamp when it is valid. */
  async tokenPrincipal(token: string): Promise<{ name: string; stamp: string } | undefined> {
    const digest = Buffer.from(tokenDigest(token));
    for (const t of (await this.refresh()).tokens) {
      const stored = Buffer.from(t.token_hash);
      if (stored.length === digest.length && timingSafeEqual(stored, digest))
        return { name: t.name, stamp: stampOf(t) };
    }
    return undefined;
  }

  /** The token's name when it is valid. */
  async verifyToken(token: string): Promise<string | undefined> {
    return (await this.tokenPrincipal(token))?.name;
  }

  /** Current stamp of a user as of the last refresh(); undefined once removed. */
  userStamp(username: string): string | undefined {
    const user = this.#file.users.find((u) => u.username === username);
    return user ? stampOf(user) : undefined;
  }

  tokenStamp(name: string): string | undefined {
    const token = this.#file.tokens.find((t) => t.name === name);
    return token ? stampOf(token) : undefined;
  }
}
