import { randomBytes } from 'node:crypto';
import { rm, writeFile } from 'node:fs/promises';
import type { ScryptCost } from '../../lib/registry/secrets.ts';
import { openConsoleRecords } from './legacy-users.ts';
import { UserAdmin } from './user-admin.ts';

export type ConsolePaths = {
  /** The records database (RECORDS_PATH). */
  recordsPath: string;
  /** A users file from before the records database, imported when found (CONSOLE_USERS_PATH). */
  legacyUsersPath?: string;
};

/**
 * For `npm start` and the deployment's provision step on a fresh state folder: imports a legacy users
 * file, then, when there is still no user, creates `admin` (role admin) with a random password written
 * to `passwordPath` (mode 0600), so the console is usable without a setup step and never ships a
 * default password. Returns what it did; never logs the password.
 */
export async function ensureConsoleUser(
  paths: ConsolePaths,
  passwordPath: string,
  cost?: ScryptCost,
): Promise<{ created: boolean; username?: string; passwordPath?: string; imported?: string[] }> {
  const { records, imported } = await openConsoleRecords(paths.recordsPath, paths.legacyUsersPath);
  try {
    const names = imported && [...imported.users, ...imported.tokens.map((t) => `token:${t}`)];
    if (records.users.count() > 0) return { created: false, imported: names };
    const password = randomBytes(18).toString('base64url');
    const admin = new UserAdmin(records, { knownOperators: async () => undefined, cost });
    // The password is on disk before the user exists: never an admin whose password nobody has.
    await writeFile(passwordPath, `${password}\n`, { mode: 0o600 });
    const added = await admin.addUser(
      { username: 'admin', password, roles: ['admin'] },
      { name: 'system', via: 'system' },
    );
    // Another process (the users CLI) may have added an `admin` meanwhile: then there is nothing to do.
    if (!added.ok) {
      await rm(passwordPath, { force: true });
      return { created: false };
    }
    return { created: true, username: 'admin', passwordPath, imported: names };
  } finally {
    records.close();
  }
}
