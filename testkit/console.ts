import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { addToken, saveUsers, setUser, type UsersFile } from '../dashboards/auth/users.ts';
import { TEST_SCRYPT } from './registry.ts';

export const TEST_USER = { username: 'siti', password: 'correct horse battery' };

/** A temp users file with one operator and one API token (for tests). */
export async function makeUsersFile() {
  const dir = await mkdtemp(join(tmpdir(), 'console-users-'));
  let file: UsersFile = { users: [], tokens: [] };
  file = await setUser(file, TEST_USER.username, TEST_USER.password, TEST_SCRYPT);
  const { file: withToken, token } = addToken(file, 'ack-script');
  const path = join(dir, 'users.json');
  await saveUsers(path, withToken);
  return { path, token, cleanup: () => rm(dir, { recursive: true, force: true }) };
}
