import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openRecords, type Records } from '../lib/records/database.ts';
import { seedConsoleUsers, testConsoleDeps } from '../testkit/console.ts';
import { TEST_SCRYPT } from '../testkit/registry.ts';
import { buildApp } from './app.ts';

// Issue 14, languages: pages in the viewer's language, the catalogues, the preference and its audit.
const PASSWORD = 'a long enough password';
const JSON_BODY = { 'content-type': 'application/json' };

describe('console languages (inject)', () => {
  let dir: string;
  let records: Records;
  let app: FastifyInstance;
  let token: string;

  const login = async (username: string) => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/login',
      payload: { username, password: PASSWORD },
    });
    expect(res.statusCode).toBe(200);
    return { cookie: String(res.headers['set-cookie']).split(';')[0] ?? '', ...JSON_BODY };
  };
  const page = (url: string, headers: Record<string, string> = {}) => app.inject({ url, headers });
  const setLanguage = (headers: Record<string, string>, payload: unknown) =>
    app.inject({ method: 'PATCH', url: '/api/me', headers, payload: JSON.stringify(payload) });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'console-languages-'));
    records = openRecords(join(dir, 'records.db'));
    const tokens = await seedConsoleUsers(
      records,
      [
        { username: 'siti', password: PASSWORD, roles: ['viewer'] },
        { username: 'budi', password: PASSWORD, roles: ['operator'] },
      ],
      [{ name: 'wall', roles: ['viewer'] }],
    );
    token = tokens.get('wall') ?? '';
    app = await buildApp(
      testConsoleDeps(records, [{ id: 'wn-1', kind: 'water_network' }], {
        scryptCost: TEST_SCRYPT,
      }),
    );
  });
  afterAll(async () => {
    await app?.close();
    records?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('serves the login page in Indonesian by default, in English to a browser that prefers it', async () => {
    const indonesian = await page('/login');
    expect(indonesian.body).toContain('<html lang="id"');
    expect(indonesian.body).toContain(
      '<title data-i18n="page.login.title">Masuk - konsol operator Depok</title>',
    );
    expect(indonesian.body).toContain('<span data-i18n="login.username">Nama pengguna</span>');
    expect(indonesian.headers.vary).toBe('accept-language, cookie');
    const english = await page('/login', { 'accept-language': 'en-US,en;q=0.9,id;q=0.5' });
    expect(english.body).toContain('<html lang="en"');
    expect(english.body).toContain('<span data-i18n="login.username">User name</span>');
    expect(english.body).toContain('<option value="en" selected');
    expect((await page('/login', { 'accept-language': 'fr-FR, de;q=0.8' })).body).toContain('lang="id"');
    // The choice made on the login page, before there is a user to save it for, beats the header.
    const chosen = await page('/login', { 'accept-language': 'en', cookie: 'console_lang=id' });
    expect(chosen.body).toContain('<html lang="id"');
  });

  it('serves each page in the user’s preference once logged in, and saves a switch, audited', async () => {
    const siti = await login('siti');
    const english = { ...siti, 'accept-language': 'en' };
    expect((await page('/', english)).body).toContain('<html lang="id"');
    const saved = await setLanguage(english, { language: 'en' });
    expect([saved.statusCode, saved.json()]).toEqual([200, { language: 'en' }]);
    expect((await page('/', siti)).body).toContain('<small data-i18n="app.console">operator console</small>');
    expect((await app.inject({ url: '/api/me', headers: siti })).json()).toMatchObject({ language: 'en' });
    // A language change is not a security change: the session goes on.
    expect((await app.inject({ url: '/api/status', headers: siti })).statusCode).toBe(200);
    const [row] = records.audit.page({ action: 'user_changed', target: 'siti' }, 10).entries;
    expect(row).toMatchObject({ actor: 'siti', via: 'session', target: 'siti' });
    expect(row?.before).toMatchObject({ language: 'id' });
    expect(row?.after).toMatchObject({ language: 'en', roles: ['viewer'] });
  });

  it('refuses a bad language change with a clear message and changes nothing', async () => {
    const budi = await login('budi');
    const before = JSON.stringify([records.users.get('budi'), records.audit.page({}, 1000)]);
    const cases: [Record<string, string>, unknown, number, string][] = [
      [JSON_BODY, { language: 'en' }, 401, 'error.login_required'],
      [{ ...budi, 'sec-fetch-site': 'cross-site' }, { language: 'en' }, 403, 'error.refused_cross_site'],
      [budi, { language: 'fr' }, 400, 'error.bad_language'],
      [budi, { language: 'en', roles: ['admin'] }, 400, 'error.me_body'],
      [budi, {}, 400, 'error.me_body'],
      [{ authorization: `Bearer ${token}`, ...JSON_BODY }, { language: 'en' }, 400, 'error.token_language'],
    ];
    for (const [headers, payload, status, code] of cases) {
      const res = await setLanguage(headers, payload);
      expect([res.statusCode, res.json().code], JSON.stringify(payload)).toEqual([status, code]);
    }
    const bad = await setLanguage(budi, { language: 'fr' });
    expect(bad.json()).toEqual({
      error: "unknown language 'fr' (languages: id, en)",
      code: 'error.bad_language',
      params: { language: 'fr', languages: 'id, en' },
    });
    expect(JSON.stringify([records.users.get('budi'), records.audit.page({}, 1000)])).toBe(before);
  });

  it('serves the catalogues publicly and cacheably, and nothing else under /i18n and /lib', async () => {
    const id = await page('/i18n/id.json');
    expect(id.statusCode).toBe(200);
    expect(id.headers['cache-control']).toBe('public, max-age=300');
    expect(id.json()['login.submit']).toBe('Masuk');
    expect((await page('/i18n/en.json')).json()['login.submit']).toBe('Log in');
    const etag = String(id.headers.etag);
    expect((await page('/i18n/id.json', { 'if-none-match': etag })).statusCode).toBe(304);
    for (const url of ['/i18n/fr.json', '/i18n/..%2Findex.ts', '/lib/i18n/index.ts', '/lib/i18n/locales']) {
      expect((await page(url)).statusCode, url).toBe(404);
    }
    const module = await page('/lib/i18n/message.js');
    expect(module.headers['content-type']).toContain('javascript');
    expect(module.body).toContain('export function createTranslator');
    // message.js imports the units' table by its relative path: /lib/units/display.js must be there too.
    expect(module.body).toMatch(/import \{ displayUnit \} from '\.\.\/units\/display\.js'/);
    const units = await page('/lib/units/display.js');
    expect(units.headers['content-type']).toContain('javascript');
    expect(units.body).toContain('export function displayUnit');
  });

  it('answers errors with a catalogue code the console words in the viewer’s language', async () => {
    const res = await app.inject({
      url: '/api/stations/nope-01',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(res.json()).toEqual({ error: 'unknown station', code: 'error.unknown_station' });
    const anonymous = await app.inject('/api/status');
    expect(anonymous.json()).toEqual({ error: 'login required', code: 'error.login_required' });
  });
});
