import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RegistryEditor } from '../lib/registry/editor.ts';
import { loadRegistry } from '../lib/registry/store.ts';
import { buildApp } from './app.ts';
import { createBrokerMetrics } from './metrics.ts';

const TOKEN = 'test-admin-token-0123456789';
const auth = { authorization: `Bearer ${TOKEN}` };
// Cheap scrypt: the real cost is a deployment setting, not what these tests prove.
const scrypt = { N: 1024, r: 8, p: 1 };

describe('admin API: integration accounts (inject, nothing listens)', () => {
  let dir: string;
  let path: string;
  let app: FastifyInstance;
  let reloads = 0;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'broker-integrations-'));
    path = join(dir, 'registry.json');
    reloads = 0;
    const editor = new RegistryEditor(path, async () => {
      reloads++;
    });
    app = await buildApp({
      connectedClients: () => 0,
      metrics: createBrokerMetrics(),
      admin: { token: TOKEN, editor, scrypt },
    });
  });
  afterEach(async () => {
    await app.close();
    await rm(dir, { recursive: true, force: true });
  });

  const add = (payload: object, headers = auth) =>
    app.inject({ method: 'POST', url: '/admin/integrations', headers, payload });

  it('creates an account with its patterns: 201 with the secret once; the list never shows it', async () => {
    const created = await add({
      username: 'city-feed',
      publish: ['+/+'],
      subscribe: ['+/+'],
      deny: ['city/secret'],
    });
    expect(created.statusCode).toBe(201);
    const body = created.json();
    expect(body).toMatchObject({
      username: 'city-feed',
      publish: ['+/+'],
      subscribe: ['+/+'],
      deny: ['city/secret'],
      read_devices: false,
      revoked: false,
    });
    expect(body.secret).toMatch(/^\S{32,}$/);
    expect(reloads).toBe(1); // applied to the running broker before the answer
    const stored = (await loadRegistry(path)).integrations?.[0];
    expect(stored?.secret_hash).toMatch(/^scrypt\$/);
    expect(JSON.stringify(stored)).not.toContain(body.secret);

    const listed = await app.inject({ url: '/admin/integrations', headers: auth });
    expect(listed.statusCode).toBe(200);
    expect(listed.body).not.toContain(body.secret);
    expect(listed.body).not.toMatch(/"secret|scrypt\$/);
    expect(listed.json()).toEqual([
      expect.objectContaining({ username: 'city-feed', deny: ['city/secret'] }),
    ]);
  });

  it('400 with the reasons for patterns against the topic contract; nothing is written', async () => {
    const refused = await add({
      username: 'bad',
      publish: ['alerts/#'],
      subscribe: ['cmd/+', '$SYS/#', 'a/#/b'],
    });
    expect(refused.statusCode).toBe(400);
    const { error } = refused.json();
    expect(error).toMatch(/alerts\/ belongs to the pipeline/);
    expect(error).toMatch(/"cmd\/\+": reading devices' own topics needs read_devices/);
    expect(error).toMatch(/"\$SYS\/#" is a `\$` topic/);
    expect(error).toMatch(/"a\/#\/b" is not a valid MQTT filter/);
    expect((await loadRegistry(path)).integrations).toBeUndefined();
    expect((await add({ username: 'empty' })).statusCode).toBe(400); // no pattern at all
    expect((await add({ username: 'Bad Name', subscribe: ['x/#'] })).statusCode).toBe(400);
    expect((await add({ username: 'x', subscribe: ['x/#'], read_devices: 'yes' })).statusCode).toBe(400);
  });

  it('409 for a name taken by a device, a service or another integration', async () => {
    await app.inject({
      method: 'POST',
      url: '/admin/devices',
      headers: auth,
      payload: { id: 'aq-beji-01', kind: 'air_quality' },
    });
    expect((await add({ username: 'feed', subscribe: ['readings/#'] })).statusCode).toBe(201);
    expect((await add({ username: 'feed', subscribe: ['readings/#'] })).statusCode).toBe(409);
    expect((await add({ username: 'aq-beji-01', subscribe: ['readings/#'] })).statusCode).toBe(409);
  });

  it('DELETE removes the account (404 for an unknown one); every route needs the token', async () => {
    await add({ username: 'feed', subscribe: ['readings/#'] });
    const removed = await app.inject({ method: 'DELETE', url: '/admin/integrations/feed', headers: auth });
    expect([removed.statusCode, removed.json()]).toEqual([200, { username: 'feed', removed: true }]);
    expect((await loadRegistry(path)).integrations).toEqual([]);
    const again = await app.inject({ method: 'DELETE', url: '/admin/integrations/feed', headers: auth });
    expect(again.statusCode).toBe(404);
    for (const request of [
      { method: 'GET' as const, url: '/admin/integrations' },
      { method: 'POST' as const, url: '/admin/integrations', payload: { username: 'x', subscribe: ['x/#'] } },
      { method: 'DELETE' as const, url: '/admin/integrations/feed' },
    ])
      expect((await app.inject(request)).statusCode).toBe(401);
  });
});
