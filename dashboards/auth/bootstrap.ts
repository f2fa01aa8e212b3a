import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import type { ScryptCost } from '../../lib/registry/secrets.ts';
import { loadUsers, saveUsers, setUser } from './users.ts';

/**
 * For `npm start` on a fresh state folder: when the users file has no user, creates `admin` with a
 * random password written to `passwordPath` (mode 0600), so the console is usable without a setup
 * step and never ships a default password. Returns what it did; never logs the password.
 */
export async function ensureConsoleUser(
  usersPath: string,
  passwordPath: string,
  cost?: ScryptCost,
): Promise<{ created: boolean; username?: string; passwordPath?: string }> {
  const file = await loadUsers(usersPath);
  if (file.users.length > 0) return { created: false };
  const password = randomBytes(18).toString('base64url');
  await writeFile(passwordPath, `${password}\n`, { mode: 0o600 });
  await saveUsers(usersPath, await setUser(file, 'admin', password, cost));
  return { created: true, username: 'admin', passwordPath };
}
