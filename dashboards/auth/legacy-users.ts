import { readFile, rename } from 'node:fs/promises';
import { z } from 'zod';
import { ACCOUNT_NAME } from '../../lib/records/access.ts';
import { openRecords, type Records } from '../../lib/records/database.ts';

// Before the records database (issue 14) console users and tokens lived in a JSON file
// (CONSOLE_USERS_PATH, default state/console-users.json). This moves them, hashes as they are.

const Name = z.string().regex(ACCOUNT_NAME);

export const LegacyUsersFileSchema = z.strictObject({
  users: z
    .array(z.strictObject({ username: Name, password_hash: z.string().startsWith('scrypt$') }))
    .default([]),
  tokens: z
    .array(z.strictObject({ name: Name, token_hash: z.string().regex(/^sha256\$[0-9a-f]{64}$/) }))
    .default([]),
});
export type LegacyUsersFile = z.infer<typeof LegacyUsersFileSchema>;

export type LegacyImport = { users: string[]; tokens: string[]; skipped: string[]; renamedTo: string };

/**
 * Imports the JSON users file into the records database, then renames it `<file>.migrated`. Users
 * become `admin` (before roles, every user could do everything); tokens become `operator`: read and
 * acknowledge, all a token could do before (there was no admin API), and no new powers. A name
 * already in the database is kept as it is there (skipped). One transaction with its audit row; the
 * rename comes after the commit, so a crash in between only means the next start skips every name.
 * Undefined when there is no file. A malformed file stops the start with its path and the problem.
 */
export async function importLegacyUsers(
  records: Records,
  path: string,
  now = Date.now(),
): Promise<LegacyImport | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  let parsed: ReturnType<typeof LegacyUsersFileSchema.safeParse>;
  try {
    parsed = LegacyUsersFileSchema.safeParse(JSON.parse(text));
  } catch (err) {
    throw new Error(`${path}: not JSON (${(err as Error).message}); fix or move the file, then start again`);
  }
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(
      `${path}: ${issue?.path.join('.') ?? ''} ${issue?.message ?? 'invalid'}; fix or move the file`,
    );
  }
  const file = parsed.data;
  const renamedTo = `${path}.migrated`;
  const result = records.transaction(() => {
    const done: LegacyImport = { users: [], tokens: [], skipped: [], renamedTo };
    for (const u of file.users) {
      const user = records.users.insert({ ...u, roles: ['admin'], scope: {} }, now);
      (user ? done.users : done.skipped).push(u.username);
    }
    for (const t of file.tokens) {
      const taken = records.tokens.get(t.name) ?? records.tokens.byHash(t.token_hash);
      const token = taken ? undefined : records.tokens.insert({ ...t, roles: ['operator'], scope: {} }, now);
      if (token) done.tokens.push(t.name);
      else done.skipped.push(`token:${t.name}`);
    }
    records.audit.append({
      at: now,
      actor: 'system',
      via: 'system',
      action: 'users_imported',
      target: path,
      after: {
        users: done.users,
        tokens: done.tokens,
        skipped: done.skipped,
        users_role: 'admin',
        tokens_role: 'operator',
      },
    });
    return done;
  });
  await rename(path, renamedTo);
  return result;
}

/** Opens the records database and imports a legacy users file found at `legacyUsersPath`. */
export async function openConsoleRecords(
  recordsPath: string,
  legacyUsersPath: string | undefined,
): Promise<{ records: Records; imported: LegacyImport | undefined }> {
  const records = openRecords(recordsPath);
  try {
    const imported = legacyUsersPath ? await importLegacyUsers(records, legacyUsersPath) : undefined;
    return { records, imported };
  } catch (err) {
    records.close();
    throw err;
  }
}
