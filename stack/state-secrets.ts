import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';

/**
 * A random token kept in the state folder (mode 0600): made on the first start, reused after, so a
 * restart keeps the same admin and API tokens. Callers log the file's path, never its content.
 */
export async function stateToken(path: string): Promise<string> {
  try {
    const token = (await readFile(path, 'utf8')).trim();
    if (token.length >= 16) return token;
  } catch {
    // first start: make one below
  }
  const token = randomBytes(24).toString('base64url');
  await writeFile(path, `${token}\n`, { mode: 0o600 });
  return token;
}
