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

describe('broker HTTP app (inject, nothing listens)', () => {
  let dir: string;
  let path: string;
  let app: FastifyInstance;
  let reloads = 0;
  let failReload: Error | undefined;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'broker-app-'));
    path = join(dir, 'registry.json');
    reloads = 0;
    failReload = undefined;
    const editor = new RegistryEditor(path, async () => {
      reloads++;
      if (failReload) throw failReload;
    });
    app = await buildApp({
      connectedClients: () => 3,
      metrics: createBrokerMetrics(),
      admin: { token: TOKEN, editor, scrypt },
    });
  });
  afterEach(async () => {
    await app.close();
    await rm(dir, { recursive: true, force: true });
  });

  const post = (url: string, payload?: unknown, headers: Record<string, string> = auth) =>
    app.inject({
      method: 'POST',
      url,
      headers,
      ...(payload === undefined ? {} : { payload: payload as object }),
    });
  const add = (id: string, kind = 'air_quality') => post('/admin/devices', { id, kind });

  it('answers health and metrics without a token', async () => {
    const health = await app.inject('/healthz');
    expect([health.statusCode, health.json()]).toEqual([200, { status: 'ok', connections: 3 }]);
    const metrics = await app.inject('/metrics');
    expect(metrics.statusCode).toBe(200);
    expect(metrics.body).toContain('broker_connections');
  });

  it('401 without a token, with a wrong one or another scheme; the OpenAPI document is public', async () => {
    for (const headers of [
      {},
      { authorization: 'Bearer wrong-token' },
      { authorization: `Basic ${TOKEN}` },
    ]) {
      const res = await app.inject({ method: 'GET', url: '/admin/devices', headers });
      expect([res.statusCode, res.headers['www-authenticate'], res.json()]).toEqual([
        401,
        'Bearer',
        { error: 'unauthorized' },
      ]);
    }
    expect((await post('/admin/devices', { id: 'aq-1', kind: 'air_quality' }, {})).statusCode).toBe(401);
    expect(reloads).toBe(0);
    expect((await app.inject('/admin/openapi.json')).statusCode).toBe(200);
  });

  it('201 with the secret once; lists and reads devices without their hashes', async () => {
    const added = await add('aq-sukmajaya-01');
    expect(added.statusCode).toBe(201);
    expect(added.json()).toEqual({ id: 'aq-sukmajaya-01', kind: 'air_quality', secret: expect.any(String) });
    expect(reloads).toBe(1);
    const list = await app.inject({ url: '/admin/devices', headers: auth });
    expect(list.json()).toEqual([expect.objectContaining({ id: 'aq-sukmajaya-01', revoked: false })]);
    expect(list.body).not.toContain('scrypt$');
    const one = await app.inject({ url: '/admin/devices/aq-sukmajaya-01', headers: auth });
    expect([one.statusCode, one.json().kind]).toEqual([200, 'air_quality']);
  });

  it('400 for a body of the wrong shape, an invalid id or an unknown kind; nothing is saved', async () => {
    for (const body of [
      { id: 'aq-1' }, // no kind
      { id: 'aq-1', kind: 'air_quality', lat: 'north' }, // wrong type
      { id: 'Bad Id', kind: 'air_quality' }, // refused by the registry schema
      { id: 'aq-1', kind: 'no_such_kind' },
    ]) {
      const res = await post('/admin/devices', body);
      expect([JSON.stringify(body), res.statusCode, typeof res.json().error]).toEqual([
        JSON.stringify(body),
        400,
        'string',
      ]);
    }
    expect(
      (await post('/admin/devices', '{"id": ', { ...auth, 'content-type': 'application/json' })).statusCode,
    ).toBe(400);
    expect((await loadRegistry(path)).devices).toEqual([]);
  });

  it("drops properties the schema does not name (fastify's ajv removeAdditional) rather than refusing", async () => {
    expect(
      (await post('/admin/devices', { id: 'aq-1', kind: 'air_quality', colour: 'red' })).statusCode,
    ).toBe(201);
    expect((await loadRegistry(path)).devices[0]).not.toHaveProperty('colour');
  });

  it('404 for an unknown device, on read, rotate, revoke and restore', async () => {
    for (const res of [
      await app.inject({ url: '/admin/devices/ghost', headers: auth }),
      await post('/admin/devices/ghost/rotate'),
      await post('/admin/devices/ghost/revoke'),
      await post('/admin/devices/ghost/restore'),
    ])
      expect([res.statusCode, res.json().error]).toEqual([404, "no device 'ghost'"]);
  });

  it('rotate keeps a revoked device revoked (409); restore re-enables it with a new secret', async () => {
    await add('aq-revoked');
    await post('/admin/devices/aq-revoked/revoke');
    const hash = (await loadRegistry(path)).devices[0]?.secret_hash;
    const rotate = await post('/admin/devices/aq-revoked/rotate');
    expect([rotate.statusCode, rotate.json().error]).toEqual([
      409,
      expect.stringMatching(/is revoked.*restore/),
    ]);
    expect((await loadRegistry(path)).devices[0]).toMatchObject({ revoked: true, secret_hash: hash });
    const restore = await post('/admin/devices/aq-revoked/restore');
    expect([restore.statusCode, restore.json()]).toEqual([
      200,
      { id: 'aq-revoked', kind: 'air_quality', secret: expect.any(String) },
    ]);
    expect((await loadRegistry(path)).devices[0]?.revoked).toBe(false);
    const again = await post('/admin/devices/aq-revoked/restore');
    expect([again.statusCode, again.json().error]).toEqual([409, expect.stringMatching(/not revoked/)]);
  });

  it('409 for a device that already exists', async () => {
    expect((await add('ww-dup', 'wastewater')).statusCode).toBe(201);
    const again = await add('ww-dup', 'wastewater');
    expect([again.statusCode, again.json().error]).toEqual([409, expect.stringMatching(/already exists/)]);
  });

  it('413 for a body over 1 MiB, 415 for a form body (no parser for it)', async () => {
    const huge = await post('/admin/devices', { id: 'aq-1', kind: 'air_quality', name: 'x'.repeat(1 << 20) });
    expect(huge.statusCode).toBe(413);
    const form = await post('/admin/devices', 'id=aq-1&kind=air_quality', {
      ...auth,
      'content-type': 'application/x-www-form-urlencoded',
    });
    expect(form.statusCode).toBe(415);
    expect((await loadRegistry(path)).devices).toEqual([]);
  });

  it('500 without the internals when applying a change fails', async () => {
    failReload = new Error('EACCES /secret/path/registry.json');
    const res = await add('aq-1');
    expect([res.statusCode, res.json()]).toEqual([500, { error: 'internal error' }]);
  });

  it('routes no /admin without a token configured', async () => {
    const plain = await buildApp({ connectedClients: () => 0, metrics: createBrokerMetrics() });
    try {
      expect((await plain.inject({ url: '/admin/devices', headers: auth })).statusCode).toBe(404);
      expect((await plain.inject('/healthz')).statusCode).toBe(200);
    } finally {
      await plain.close();
    }
  });
});
