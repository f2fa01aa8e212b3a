import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connackCode, startTestBroker, type TestBroker } from '../testkit/broker.ts';

const TOKEN = 'test-admin-token-0123456789';

describe('admin API', () => {
  let t: TestBroker;
  let base: string;
  const call = (method: string, path: string, body?: unknown, token = TOKEN) =>
    fetch(`${base}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });

  beforeAll(async () => {
    t = await startTestBroker([], { adminToken: TOKEN, watchRegistry: false });
    base = `http://127.0.0.1:${t.broker.httpPort}`;
  });
  afterAll(async () => t?.close());

  it('refuses requests without the right bearer token', async () => {
    expect((await fetch(`${base}/admin/devices`)).status).toBe(401);
    expect((await call('GET', '/admin/devices', undefined, 'wrong-token-wrong-token')).status).toBe(401);
  });

  it('provisions, lists, rotates and revokes a device; each change applies at once (no file watch here)', async () => {
    const station = {
      id: 'aq-sukmajaya-01',
      kind: 'air_quality',
      name: 'Sukmajaya',
      district: 'sukmajaya',
      operator: 'DLHK Depok',
      lat: -6.39,
      lon: 106.83,
    };
    const added = await call('POST', '/admin/devices', station);
    expect(added.status).toBe(201);
    const { secret } = (await added.json()) as { secret: string };
    const url = t.url;
    const login = (password: string) =>
      connackCode(url, { clientId: station.id, username: station.id, password });
    expect(await login(secret)).toBe(0);

    const list = (await (await call('GET', '/admin/devices')).json()) as Record<string, unknown>[];
    expect(list).toEqual([expect.objectContaining({ ...station, revoked: false })]);
    expect(JSON.stringify(list)).not.toContain('scrypt$');

    const live = await t.connect(station.id, { password: secret });
    const closed = new Promise<void>((r) => live.once('close', () => r()));
    const rotated = (await (await call('POST', `/admin/devices/${station.id}/rotate`)).json()) as {
      secret: string;
    };
    await closed; // the rotate response came after the live session was told to close
    expect(await login(secret)).toBe(4);
    expect(await login(rotated.secret)).toBe(0);

    const revoked = await call('POST', `/admin/devices/${station.id}/revoke`);
    expect(((await revoked.json()) as { revoked: boolean }).revoked).toBe(true);
    expect(await login(rotated.secret)).toBe(4);
  });

  it('answers 400, 404 and 409 with a reason', async () => {
    expect((await call('POST', '/admin/devices', { id: 'Bad Id', kind: 'air_quality' })).status).toBe(400);
    expect((await call('POST', '/admin/devices', { id: 'x-1', kind: 'no_such_kind' })).status).toBe(400);
    expect((await call('POST', '/admin/devices/ghost/rotate')).status).toBe(404);
    await call('POST', '/admin/devices', { id: 'ww-dup', kind: 'wastewater' });
    expect((await call('POST', '/admin/devices', { id: 'ww-dup', kind: 'wastewater' })).status).toBe(409);
  });

  it('publishes its OpenAPI document', async () => {
    const doc = (await (await fetch(`${base}/admin/openapi.json`)).json()) as {
      openapi: string;
      paths: object;
    };
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/admin/devices',
        '/admin/devices/{id}/rotate',
        '/admin/devices/{id}/revoke',
        '/admin/devices/{id}/restore',
      ]),
    );
  });
});
