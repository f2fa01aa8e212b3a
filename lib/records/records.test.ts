import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkAccess } from './access.ts';
import { openRecords, type Records } from './database.ts';

describe('records repositories', () => {
  let dir: string;
  let records: Records;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'records-'));
    records = openRecords(join(dir, 'records.db'));
  });
  afterEach(async () => {
    records.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('stores users with roles and scope; a security change renews the stamp, a language change does not', async () => {
    const added = records.users.insert({
      username: 'dewi',
      password_hash: 'scrypt$1',
      roles: ['operator', 'viewer'],
      scope: { operators: ['PDAM Tirta Asasta'] },
    });
    expect(added).toMatchObject({ roles: ['operator', 'viewer'], language: 'id' });
    expect(
      records.users.insert({ username: 'dewi', password_hash: 'scrypt$2', roles: [], scope: {} }),
    ).toBeUndefined();
    const stamp = records.users.stamp('dewi');
    const english = records.users.update('dewi', { language: 'en' });
    expect(english?.stamp).toBe(stamp);
    const widened = records.users.update('dewi', { scope: {} });
    expect(widened?.scope).toEqual({});
    expect(widened?.stamp).not.toBe(stamp);
    // Back to the same roles and scope: still a new stamp (old sessions stay ended).
    const back = records.users.update('dewi', { scope: { operators: ['PDAM Tirta Asasta'] } });
    expect(back?.stamp).not.toBe(stamp);
    expect(records.users.update('nobody', { language: 'en' })).toBeUndefined();
    expect(records.users.remove('dewi')).toBe(true);
    expect(records.users.stamp('dewi')).toBeUndefined();
    expect((await stat(records.path)).mode & 0o777).toBe(0o600);
  });

  it('finds tokens by digest and drops roles it does not know instead of granting them', () => {
    records.tokens.insert({
      name: 'wall',
      token_hash: `sha256$${'a'.repeat(64)}`,
      roles: ['viewer'],
      scope: {},
    });
    expect(records.tokens.byHash(`sha256$${'a'.repeat(64)}`)?.name).toBe('wall');
    expect(records.tokens.byHash(`sha256$${'b'.repeat(64)}`)).toBeUndefined();
    records.db.prepare(`UPDATE tokens SET roles = '["viewer","superuser"]' WHERE name = 'wall'`).run();
    expect(records.tokens.get('wall')?.roles).toEqual(['viewer']);
  });

  it('pages the audit log newest first with exact and prefix filters, and never stores secrets', () => {
    for (let i = 0; i < 5; i++)
      records.audit.append({
        at: 1000 + i,
        actor: i % 2 ? 'rina' : 'siti',
        via: 'session',
        action: 'alert_acknowledged',
        target: `wastewater/ww-${i}/bod`,
        after: { comment: `c${i}` },
        address: '127.0.0.1',
      });
    records.audit.append({
      at: 2000,
      actor: 'admin',
      via: 'session',
      action: 'user_changed',
      target: 'a_b',
      before: { roles: ['viewer'], password_hash: 'scrypt$secret' },
      after: { roles: ['operator'], nested: { token: 'abc' } },
    });
    const first = records.audit.page({ action: 'alert_acknowledged' }, 2);
    expect(first.entries.map((e) => e.target)).toEqual(['wastewater/ww-4/bod', 'wastewater/ww-3/bod']);
    const second = records.audit.page({ action: 'alert_acknowledged', cursor: first.next }, 2);
    expect(second.entries.map((e) => e.at)).toEqual([1002, 1001]);
    const last = records.audit.page({ action: 'alert_acknowledged', cursor: second.next }, 2);
    expect(last).toEqual({ entries: [expect.objectContaining({ at: 1000 })] });
    expect(records.audit.page({ user: 'rina' }, 10).entries).toHaveLength(2);
    expect(records.audit.page({ target: 'wastewater/*', from: 1001, to: 1003 }, 10).entries).toHaveLength(2);
    // `_` is literal in a prefix, not LIKE's any-character.
    expect(records.audit.page({ target: 'a_*' }, 10).entries).toHaveLength(1);
    expect(records.audit.page({ target: 'ab*' }, 10).entries).toHaveLength(0);
    const change = records.audit.page({ action: 'user_changed' }, 1).entries[0];
    expect(change?.before).toEqual({ roles: ['viewer'], password_hash: '[redacted]' });
    expect(change?.after).toEqual({ roles: ['operator'], nested: { token: '[redacted]' } });
    const raw = JSON.stringify(records.db.prepare('SELECT * FROM audit').all());
    expect(raw).not.toContain('scrypt$secret');
    expect(raw).not.toContain('abc');
  });

  it('backs up online to a new 0600 file, refuses to overwrite one, and the copy opens', async () => {
    records.users.insert({ username: 'siti', password_hash: 'scrypt$1', roles: ['admin'], scope: {} });
    const file = join(dir, 'backups', 'records-1.db');
    // A writer keeps going while the backup runs (the console does not stop for it).
    const writer = setInterval(() => {
      records.audit.append({ at: Date.now(), actor: 'x', via: 'system', action: 'login', target: 'x' });
    }, 1);
    try {
      expect(await records.backup(file)).toBeGreaterThan(0);
    } finally {
      clearInterval(writer);
    }
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    await expect(records.backup(file)).rejects.toThrow(/already exists/);
    const copy = openRecords(file);
    expect(copy.applied).toEqual([]);
    expect(copy.users.get('siti')?.roles).toEqual(['admin']);
    copy.close();
  });

  it('keeps a transaction all or nothing', () => {
    expect(() =>
      records.transaction(() => {
        records.users.insert({ username: 'a', password_hash: 'scrypt$1', roles: ['viewer'], scope: {} });
        throw new Error('half way');
      }),
    ).toThrow('half way');
    expect(records.users.count()).toBe(0);
  });
});

describe('checkAccess', () => {
  const operators = new Set(['PDAM Tirta Asasta', 'DLHK Depok']);

  it('accepts known roles, operators and kinds, sorted and without duplicates', () => {
    expect(
      checkAccess(
        {
          roles: ['viewer', 'operator', 'viewer'],
          operators: ['PDAM Tirta Asasta'],
          kinds: ['water_network'],
        },
        operators,
      ),
    ).toEqual({
      ok: true,
      access: {
        roles: ['operator', 'viewer'],
        scope: { operators: ['PDAM Tirta Asasta'], kinds: ['water_network'] },
      },
    });
    expect(checkAccess({ roles: ['admin'], operators: null, kinds: null }, undefined)).toEqual({
      ok: true,
      access: { roles: ['admin'], scope: {} },
    });
  });

  it.each([
    [{ roles: [] }, /at least one role/],
    [{ roles: ['root'] }, /unknown role 'root'/],
    [{ roles: ['viewer'], operators: ['PDAM Palsu'] }, /operator 'PDAM Palsu' is not in the registry/],
    [{ roles: ['viewer'], operators: [''] }, /operator name is empty/],
    [{ roles: ['viewer'], operators: [] }, /empty operator list/],
    [{ roles: ['viewer'], kinds: ['noise'] }, /kind 'noise' is not in the catalogue/],
    [{ roles: ['viewer'], kinds: [] }, /empty kind list/],
    [{ roles: ['admin'], kinds: ['wastewater'] }, /admin cannot be limited/],
  ])('refuses %j', (input, problem) => {
    const result = checkAccess(input, operators);
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.problem).toMatch(problem);
  });

  it('refuses an operator scope when there is no registry to check it against', () => {
    const result = checkAccess({ roles: ['viewer'], operators: ['DLHK Depok'] }, undefined);
    expect(result).toEqual({ ok: false, problem: expect.stringMatching(/no registry/) });
  });
});
