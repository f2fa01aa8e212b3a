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

/** The users file, re-read when its mtime changes (the CLI edits it while the console runs). */
export class UserDirectory {
  readonly #path: string;
  #file: UsersFile = { users: [], tokens: [] };
  #mtime = -1;

  constructor(path: string) {
    this.#path = path;
  }

  async #current(): Promise<UsersFile> {
    const mtime = await stat(this.#path).then(
      (s) => s.mtimeMs,
      () => 0,
    );
    if (mtime !== this.#mtime) {
      this.#file = await loadUsers(this.#path);
      this.#mtime = mtime;
    }
    return this.#file;
  }

  async load(): Promise<number> {
    return (await this.#current()).users.length;
  }

  async verifyPassword(username: string, password: string): Promise<boolean> {
    const user = (await this.#current()).users.find((u) => u.username === username);
    const ok = await verifySecret(password, user?.password_hash ?? (await DUMMY_HASH));
    return ok && user !== undefined;
  }

  /** The token's name when it is valid. */
  async verifyToken(token: string): Promise<string | undefined> {
    const digest = Buffer.from(tokenDigest(token));
    for (const t of (await this.#current()).tokens) {
      const stored = Buffer.from(t.token_hash);
      if (stored.length === digest.length && timingSafeEqual(stored, digest)) return t.name;
    }
    return undefined;
  }
}
