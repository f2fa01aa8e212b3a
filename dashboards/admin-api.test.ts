import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openRecords, type Records } from '../lib/records/database.ts';
import { seedConsoleUsers, testConsoleDeps } from '../testkit/console.ts';
import { TEST_SCRYPT } from '../testkit/registry.ts';
import { buildApp } from './app.ts';

// Issue 14: the admin API for users and tokens, and the audit log with its CSV export (inject()).
const PASSWORD = 'a long enough password';
const PDAM = 'PDAM Tirta Asasta';

describe('admin API and audit log (inject)', () => {
  let dir: string;
  let records: Records;
  let app: FastifyInstance;
  let admin: Record<string, string>;
  let viewer: Record<string, string>;

  const login = async (username: string, password = PASSWORD) => {
    const res = await app.inject({ method: 'POST', url: '/api/login', payload: { username, password } });
    expect(res.statusCode).toBe(200);
    return {
      cookie: String(res.headers['set-cookie']).split(';')[0] ?? '',
      'content-type': 'application/json',
    };
  };
  const call = (
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
    url: string,
    headers: Record<string, string>,
    payload?: object,
  ) =>
    app.inject({
      method,
      url,
      headers,
      payload: method === 'GET' ? undefined : JSON.stringify(payload ?? {}),
    });
  const snapshot = () =>
    JSON.stringify([records.users.list(), records.tokens.list(), records.audit.page({}, 1000)]);

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'console-admin-'));
    records = openRecords(join(dir, 'records.db'));
    await seedConsoleUsers(records, [
      { username: 'admin', password: PASSWORD, roles: ['admin'] },
      { username: 'vera', password: PASSWORD, roles: ['viewer'] },
    ]);
    app = await buildApp(
      testConsoleDeps(records, [{ id: 'wn-1', kind: 'water_network', operator: PDAM }], {
        knownOperators: async () => new Set([PDAM, 'DLHK Depok']),
        scryptCost: TEST_SCRYPT,
      }),
    );
    admin = await login('admin');
    viewer = await login('vera');
  });
  afterAll(async () => {
    await app?.close();
    records?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('keeps the admin API and the audit page to admins', async () => {
    for (const url of ['/api/admin/users', '/api/admin/tokens', '/api/admin/audit', '/api/admin/audit.csv']) {
      expect((await call('GET', url, {})).statusCode).toBe(401);
      expect((await call('GET', url, viewer)).statusCode).toBe(403);
      expect((await call('GET', url, admin)).statusCode).toBe(200);
    }
    expect(
      (
        await call('POST', '/api/admin/users', viewer, {
          username: 'x',
          password: PASSWORD,
          roles: ['admin'],
        })
      ).statusCode,
    ).toBe(403);
    expect((await app.inject({ url: '/admin', headers: viewer })).statusCode).toBe(403);
    expect((await app.inject('/admin')).statusCode).toBe(303);
    expect((await app.inject({ url: '/admin', headers: admin })).body).toContain('audit');
    // Cookie-authenticated admin writes pass the CSRF check like any other change.
    const crossSite = await call(
      'POST',
      '/api/admin/users',
      { ...admin, 'sec-fetch-site': 'cross-site' },
      {},
    );
    expect(crossSite.statusCode).toBe(403);
  });

  it('adds, changes and removes a user; the new user logs in with their roles and scope', async () => {
    const added = await call('POST', '/api/admin/users', admin, {
      username: 'dewi',
      password: PASSWORD,
      roles: ['operator'],
      operators: [PDAM],
      language: 'en',
    });
    expect(added.statusCode).toBe(201);
    expect(added.json().user).toMatchObject({
      username: 'dewi',
      roles: ['operator'],
      scope: { operators: [PDAM] },
      language: 'en',
    });
    expect(added.body).not.toContain('scrypt');
    const dewi = await login('dewi');
    expect((await app.inject({ url: '/api/me', headers: dewi })).json()).toMatchObject({
      username: 'dewi',
      roles: ['operator'],
      scope: { operators: [PDAM] },
      language: 'en',
    });
    const changed = await call('PATCH', '/api/admin/users/dewi', admin, {
      roles: ['viewer'],
      operators: null,
      kinds: ['water_network'],
    });
    expect(changed.json().user).toMatchObject({ roles: ['viewer'], scope: { kinds: ['water_network'] } });
    // The change ended dewi's session at once.
    expect((await app.inject({ url: '/api/me', headers: dewi })).statusCode).toBe(401);
    expect(
      (await call('GET', '/api/admin/users', admin))
        .json()
        .users.map((u: { username: string }) => u.username),
    ).toEqual(['admin', 'dewi', 'vera']);
    expect((await call('DELETE', '/api/admin/users/dewi', admin)).statusCode).toBe(204);
    expect((await call('DELETE', '/api/admin/users/dewi', admin)).statusCode).toBe(404);
  });

  // [what, the new user's fields, the same mistake as a change of vera (undefined: none)]
  it.each([
    ['an unknown role', { roles: ['root'] }, { roles: ['root'] }, /unknown role 'root'/],
    [
      'an operator not in the registry',
      { roles: ['viewer'], operators: ['PDAM Palsu'] },
      { operators: ['PDAM Palsu'] },
      /not in the registry/,
    ],
    [
      'a kind not in the catalogue',
      { roles: ['viewer'], kinds: ['noise'] },
      { kinds: ['noise'] },
      /not in the catalogue/,
    ],
    [
      'an empty operator list',
      { roles: ['viewer'], operators: [] },
      { operators: [] },
      /empty operator list/,
    ],
    [
      'an empty operator name',
      { roles: ['viewer'], operators: [''] },
      { operators: [''] },
      /operator name is empty/,
    ],
    ['no role', { roles: [] }, { roles: [] }, /at least one role/],
    [
      'a scoped admin',
      { roles: ['admin'], operators: [PDAM] },
      { roles: ['admin'], operators: [PDAM] },
      /admin cannot be limited/,
    ],
    [
      'a short password',
      { roles: ['viewer'], password: 'short' },
      { password: 'short' },
      /at least 10 characters/,
    ],
    [
      'an unknown language',
      { roles: ['viewer'], language: 'fr' },
      { language: 'fr' },
      /unknown language 'fr'/,
    ],
    ['a bad name', { roles: ['viewer'], username: 'Budi Santoso' }, undefined, /not a valid name/],
    ['an unknown field', { roles: ['viewer'], superuser: true }, { superuser: true }, /superuser/],
    ['nothing to change', { roles: ['viewer'], username: '' }, {}, /not a valid name|nothing to change/],
  ])('refuses %s with 400 and changes nothing', async (_what, body, patch, problem) => {
    const before = snapshot();
    const res = await call('POST', '/api/admin/users', admin, {
      username: 'budi',
      password: PASSWORD,
      ...body,
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatch(problem);
    if (patch) {
      const changed = await call('PATCH', '/api/admin/users/vera', admin, patch);
      expect(changed.statusCode).toBe(400);
      expect(changed.json().error).toMatch(problem);
    }
    expect(snapshot()).toBe(before);
  });

  it('refuses a duplicate user and removing or demoting the last admin (409)', async () => {
    expect(
      (
        await call('POST', '/api/admin/users', admin, {
          username: 'vera',
          password: PASSWORD,
          roles: ['viewer'],
        })
      ).statusCode,
    ).toBe(409);
    const demote = await call('PATCH', '/api/admin/users/admin', admin, { roles: ['viewer'] });
    expect(demote.statusCode).toBe(409);
    expect(demote.json().error).toMatch(/last admin/);
    expect((await call('DELETE', '/api/admin/users/admin', admin)).statusCode).toBe(409);
    expect(records.users.get('admin')?.roles).toEqual(['admin']);
  });

  it('issues a scoped token once; it reads in scope and its removal ends it', async () => {
    const res = await call('POST', '/api/admin/tokens', admin, {
      name: 'wall',
      roles: ['viewer'],
      operators: [PDAM],
    });
    expect(res.statusCode).toBe(201);
    const { token, ...view } = res.json().token;
    expect(view).toMatchObject({ name: 'wall', roles: ['viewer'], scope: { operators: [PDAM] } });
    const bearer = { authorization: `Bearer ${token}` };
    expect((await app.inject({ url: '/api/status', headers: bearer })).json().stations).toHaveLength(1);
    expect((await call('GET', '/api/admin/tokens', admin)).body).not.toContain(token);
    expect((await call('GET', '/api/admin/users', bearer)).statusCode).toBe(403);
    expect((await call('PATCH', '/api/admin/tokens/wall', admin, { kinds: ['nope'] })).statusCode).toBe(400);
    expect((await call('DELETE', '/api/admin/tokens/wall', admin)).statusCode).toBe(204);
    expect((await app.inject({ url: '/api/status', headers: bearer })).statusCode).toBe(401);
  });

  it('reads the audit log newest first, with filters and a cursor; every row has who, when, what and where', async () => {
    await app.inject({
      method: 'POST',
      url: '/api/login',
      payload: { username: 'vera', password: 'wrong password' },
    });
    const page = (await call('GET', '/api/admin/audit?limit=500', admin)).json();
    const actions = page.entries.map(
      (e: { action: string; actor: string; target: string }) => `${e.action} ${e.actor} ${e.target}`,
    );
    for (const expected of [
      'login admin admin',
      'login vera vera',
      'user_added admin dewi',
      'user_changed admin dewi',
      'user_removed admin dewi',
      'token_added admin wall',
      'token_removed admin wall',
      'login_failed vera vera',
    ])
      expect(actions).toContain(expected);
    for (const e of page.entries) {
      expect(Date.parse(e.at)).toBeGreaterThan(Date.now() - 60_000);
      if (e.via !== 'system') expect(e.address).toBe('127.0.0.1');
    }
    expect(JSON.stringify(page)).not.toMatch(/scrypt\$|sha256\$|a long enough password/);
    const change = page.entries.find((e: { action: string }) => e.action === 'user_changed');
    expect(change.before).toMatchObject({ roles: ['operator'], scope: { operators: [PDAM] } });
    expect(change.after).toMatchObject({ roles: ['viewer'], scope: { kinds: ['water_network'] } });

    const first = (await call('GET', '/api/admin/audit?user=admin&action=user_*&limit=2', admin)).json();
    expect(first.entries.map((e: { action: string }) => e.action)).toEqual(['user_removed', 'user_changed']);
    const next = (
      await call(
        'GET',
        `/api/admin/audit?user=admin&action=user_*&limit=2&cursor=${first.next_cursor}`,
        admin,
      )
    ).json();
    expect(next.entries.map((e: { action: string }) => e.action)).toEqual(['user_added']);
    expect(next.next_cursor).toBeNull();
    const future = (await call('GET', '/api/admin/audit?from=2999-01-01T00:00:00%2B07:00', admin)).json();
    expect(future.entries).toEqual([]);
    const bad = await call('GET', '/api/admin/audit?from=yesterday', admin);
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error).toMatch(/from: a time/);
    expect((await call('GET', '/api/admin/audit?limit=100000', admin)).statusCode).toBe(400);
  });

  it('exports the audit log as UTF-8 CSV, quoted and safe against formula injection', async () => {
    await app.inject({
      method: 'POST',
      url: '/api/login',
      payload: { username: '=HYPERLINK("http://x","y")', password: 'x' },
    });
    await app.inject({
      method: 'POST',
      url: '/api/login',
      payload: { username: 'ñandú,"quoted"', password: 'x' },
    });
    const res = await call('GET', '/api/admin/audit.csv?action=login_failed', admin);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toMatch(
      /^attachment; filename="audit-\d{4}-\d{2}-\d{2}\.csv"$/,
    );
    const lines = res.body.split('\r\n');
    expect(lines[0]).toBe('\uFEFFid,time_utc,time_wib,actor,via,action,target,before,after,address');
    expect(lines[1]).toMatch(
      /^\d+,\d{4}-\d\d-\d\dT[\d:.]+Z,\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,"ñandú,""quoted""",session,login_failed,/,
    );
    expect(lines[2]).toContain(`"'=HYPERLINK(""http://x"",""y"")"`);
    expect(res.body).not.toMatch(/(^|,)=HYPERLINK/m);
  });
});
