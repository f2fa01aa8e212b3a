import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TEST_SCRYPT } from '../../testkit/registry.ts';
import { ensureConsoleUser } from './bootstrap.ts';
import { SessionStore } from './sessions.ts';
import { addToken, loadUsers, saveUsers, setUser, UserDirectory } from './users.ts';

describe('console users', () => {
  it('verifies passwords and tokens from the file, stores neither in clear, and sees CLI edits', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'users-'));
    try {
      const path = join(dir, 'users.json');
      const withUser = await setUser({ users: [], tokens: [] }, 'rina', 'a long enough secret', TEST_SCRYPT);
      const { file, token } = addToken(withUser, 'cron');
      await saveUsers(path, file);
      const text = await readFile(path, 'utf8');
      expect(text).not.toContain('a long enough secret');
      expect(text).not.toContain(token);
      const users = new UserDirectory(path);
      expect(await users.verifyPassword('rina', 'a long enough secret')).toBe(true);
      expect(await users.verifyPassword('rina', 'wrong')).toBe(false);
      expect(await users.verifyPassword('nobody', 'a long enough secret')).toBe(false);
      expect(await users.verifyToken(token)).toBe('cron');
      expect(await users.verifyToken(`${token}x`)).toBeUndefined();
      await expect(setUser(file, 'Bad Name', 'a long enough secret')).rejects.toThrow();
      await expect(setUser(file, 'ok', 'short')).rejects.toThrow(/10 characters/);

      await saveUsers(path, { ...file, users: [] });
      expect(await users.verifyPassword('rina', 'a long enough secret')).toBe(false);

      const created = await ensureConsoleUser(path, join(dir, 'admin-password'), TEST_SCRYPT);
      expect(created).toMatchObject({ created: true, username: 'admin' });
      const password = (await readFile(join(dir, 'admin-password'), 'utf8')).trim();
      expect(await users.verifyPassword('admin', password)).toBe(true);
      expect(await ensureConsoleUser(path, join(dir, 'admin-password'))).toEqual({ created: false });
      expect((await loadUsers(path)).tokens).toHaveLength(1);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('expires sessions and forgets deleted ones', () => {
    const sessions = new SessionStore(1000);
    const token = sessions.create('rina', 'stamp', 0);
    expect(sessions.get(token, 500)?.username).toBe('rina');
    expect(sessions.get(token, 1000)).toBeUndefined();
    const other = sessions.create('rina', 'stamp', 0);
    sessions.delete(other);
    expect(sessions.get(other, 1)).toBeUndefined();
  });
});
