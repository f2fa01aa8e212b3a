import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openRecords } from '../../lib/records/database.ts';
import { hashSecret } from '../../lib/registry/secrets.ts';
import { TEST_SCRYPT } from '../../testkit/registry.ts';
import { ensureConsoleUser } from './bootstrap.ts';
import { openConsoleRecords } from './legacy-users.ts';
import { SessionStore } from './sessions.ts';
import { tokenDigest, UserDirectory } from './users.ts';

describe('console users', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'users-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('imports a JSON users file once: hashes as they are, users as admin, tokens as operator, then renames it', async () => {
    const legacy = join(dir, 'console-users.json');
    const token = 'a-token-from-before-the-records-database';
    const password_hash = await hashSecret('a long enough secret', TEST_SCRYPT);
    await writeFile(
      legacy,
      JSON.stringify({
        users: [{ username: 'rina', password_hash }],
        tokens: [{ name: 'cron', token_hash: tokenDigest(token) }],
      }),
    );
    const { records, imported } = await openConsoleRecords(join(dir, 'records.db'), legacy);
    try {
      expect(imported).toEqual({
        users: ['rina'],
        tokens: ['cron'],
        skipped: [],
        renamedTo: `${legacy}.migrated`,
      });
      expect(records.users.get('rina')).toMatchObject({
        password_hash,
        roles: ['admin'],
        scope: {},
        language: 'id',
      });
      const users = new UserDirectory(records);
      expect(await users.verifyPassword('rina', 'a long enough secret')).toBe(true);
      expect(await users.verifyPassword('rina', 'wrong')).toBe(false);
      expect(await users.verifyPassword('nobody', 'a long enough secret')).toBe(false);
      expect(users.tokenPrincipal(token)).toMatchObject({
        name: 'cron',
        access: { roles: ['operator'], scope: {} },
      });
      expect(users.tokenPrincipal(`${token}x`)).toBeUndefined();
      await expect(stat(legacy)).rejects.toThrow(/ENOENT/);
      expect(await readFile(`${legacy}.migrated`, 'utf8')).toContain('rina');
      const [row] = records.audit.page({ action: 'users_imported' }, 1).entries;
      expect(row).toMatchObject({
        actor: 'system',
        target: legacy,
        after: { users: ['rina'], tokens: ['cron'] },
      });
      expect(JSON.stringify(row)).not.toContain('scrypt$');
    } finally {
      records.close();
    }

    // The file is back (restored by hand): names already in the database are kept as they are there.
    await writeFile(legacy, JSON.stringify({ users: [{ username: 'rina', password_hash: 'scrypt$other' }] }));
    const again = await openConsoleRecords(join(dir, 'records.db'), legacy);
    expect(again.imported?.skipped).toEqual(['rina']);
    expect(again.records.users.get('rina')?.password_hash).toBe(password_hash);
    again.records.close();
  });

  it('stops at a malformed users file, naming it, and imports nothing', async () => {
    const legacy = join(dir, 'console-users.json');
    await writeFile(legacy, JSON.stringify({ users: [{ username: 'Bad Name', password_hash: 'scrypt$x' }] }));
    await expect(openConsoleRecords(join(dir, 'records.db'), legacy)).rejects.toThrow(
      /console-users.json: users.0.username/,
    );
    const records = openRecords(join(dir, 'records.db'));
    expect(records.users.count()).toBe(0);
    records.close();
    expect(await readFile(legacy, 'utf8')).toContain('Bad Name');
  });

  it('bootstraps an admin with a random password once, after importing', async () => {
    const paths = { recordsPath: join(dir, 'records.db'), legacyUsersPath: join(dir, 'none.json') };
    const created = await ensureConsoleUser(paths, join(dir, 'admin-password'), TEST_SCRYPT);
    expect(created).toMatchObject({ created: true, username: 'admin' });
    const password = (await readFile(join(dir, 'admin-password'), 'utf8')).trim();
    expect((await stat(join(dir, 'admin-password'))).mode & 0o777).toBe(0o600);
    const records = openRecords(paths.recordsPath);
    try {
      expect(records.users.get('admin')?.roles).toEqual(['admin']);
      expect(await new UserDirectory(records).verifyPassword('admin', password)).toBe(true);
      expect(await ensureConsoleUser(paths, join(dir, 'admin-password'))).toEqual({ created: false });
      expect(records.audit.page({ action: 'user_added', target: 'admin' }, 5).entries).toHaveLength(1);
    } finally {
      records.close();
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
