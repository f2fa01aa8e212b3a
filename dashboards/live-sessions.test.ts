import { mkdtemp, rm } from 'node:fs/promises';
import { get } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { waitFor } from '../lib/process/ports.ts';
import { openRecords, type Records } from '../lib/records/database.ts';
import { seedConsoleUsers, testConsoleDeps } from '../testkit/console.ts';
import { TEST_SCRYPT } from '../testkit/registry.ts';
import { buildApp } from './app.ts';
import { UserAdmin } from './auth/user-admin.ts';
import type { Change } from './core/live-state.ts';
import { EventHub } from './http/events.ts';

// Issue 12, item 4: sessions outlived their user by up to 8 h, a live stream kept delivering after
// logout, and one token held every stream slot. These run a real listener in process (no child).
const SITI = { username: 'siti', password: 'correct horse battery' };
const RINA = { username: 'rina', password: 'another long secret' };

type OpenStream = { status: number; events: string[]; closedAt: Promise<number> };

describe('console sessions and live streams (listening in process)', () => {
  let dir: string;
  let records: Records;
  // A second connection, as the users CLI (another process) would write.
  let cli: Records;
  let token: string;
  let app: FastifyInstance;
  let hub: EventHub;
  let base: string;
  const clients: { destroy(): void }[] = [];

  const start = async (sse: { maxBufferedBytes?: number } = {}) => {
    hub = new EventHub();
    app = await buildApp(
      testConsoleDeps(records, [], {
        hub,
        maxSseClients: 20,
        sse,
      }),
    );
    await app.listen({ host: '127.0.0.1', port: 0 });
    const address = app.server.address();
    base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  };
  const login = async (user: { username: string; password: string }) => {
    const res = await app.inject({ method: 'POST', url: '/api/login', payload: user });
    expect(res.statusCode).toBe(200);
    return String(res.headers['set-cookie']).split(';')[0] ?? '';
  };
  const openStream = (headers: Record<string, string>) =>
    new Promise<OpenStream>((resolve, reject) => {
      const req = get(`${base}/api/events`, { headers }, (res) => {
        const events: string[] = [];
        let closed: (at: number) => void = () => {};
        const closedAt = new Promise<number>((r) => {
          closed = r;
        });
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          for (const m of chunk.matchAll(/^event: (\w+)$/gm)) events.push(m[1] ?? '');
        });
        res.on('close', () => closed(Date.now()));
        res.on('error', () => closed(Date.now()));
        resolve({ status: res.statusCode ?? 0, events, closedAt });
      });
      req.on('error', reject);
      clients.push(req);
    });
  const opened = async (headers: Record<string, string>) => {
    const stream = await openStream(headers);
    expect(stream.status).toBe(200);
    await waitFor(() => stream.events.includes('snapshot'), 2_000, 'the snapshot');
    return stream;
  };
  // Milliseconds from `since` until the stream closed; Infinity when it is still open after 2 s.
  const closedAfter = (stream: OpenStream, since: number) =>
    Promise.race([
      stream.closedAt.then((at) => at - since),
      new Promise<number>((resolve) => setTimeout(() => resolve(Number.POSITIVE_INFINITY), 2_000)),
    ]);
  const change = (id: string) => ({ type: 'station', station: { id } }) as unknown as Change;
  const admin = () => new UserAdmin(cli, { knownOperators: async () => undefined, cost: TEST_SCRYPT });
  const byCli = { name: 'root', via: 'cli' } as const;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'console-live-'));
    records = openRecords(join(dir, 'records.db'));
    cli = openRecords(join(dir, 'records.db'));
    const tokens = await seedConsoleUsers(
      records,
      [
        { ...SITI, roles: ['viewer'] },
        { ...RINA, roles: ['operator'] },
      ],
      [{ name: 'wallboard', roles: ['viewer'] }],
    );
    token = tokens.get('wallboard') ?? '';
  });
  afterEach(async () => {
    for (const client of clients.splice(0)) client.destroy();
    await app?.close();
    records.close();
    cli.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('ends a removed user: the next API call is refused and the open stream closes within 1 s', async () => {
    await start();
    const cookie = await login(SITI);
    const stream = await opened({ cookie });
    const removedAt = Date.now();
    expect(admin().removeUser(SITI.username, byCli).ok).toBe(true);
    // Closed by the stream's own check, before any request of this session could notice.
    expect(await closedAfter(stream, removedAt)).toBeLessThan(1_000);
    expect((await app.inject({ url: '/api/status', headers: { cookie } })).statusCode).toBe(401);
  });

  it('ends sessions and streams on a password change; the new password logs in', async () => {
    await start();
    const cookie = await login(RINA);
    const stream = await opened({ cookie });
    const changedAt = Date.now();
    expect((await admin().changeUser(RINA.username, { password: 'a brand new secret' }, byCli)).ok).toBe(
      true,
    );
    expect(await closedAfter(stream, changedAt)).toBeLessThan(1_000);
    expect((await app.inject({ url: '/api/me', headers: { cookie } })).statusCode).toBe(401);
    await login({ username: RINA.username, password: 'a brand new secret' });
  });

  it('ends sessions and streams on a change of roles or scope, not on a change of language', async () => {
    await start();
    const cookie = await login(RINA);
    const stream = await opened({ cookie });
    expect((await admin().changeUser(RINA.username, { language: 'en' }, byCli)).ok).toBe(true);
    expect(await closedAfter(stream, Date.now())).toBe(Number.POSITIVE_INFINITY);
    const changedAt = Date.now();
    expect((await admin().changeUser(RINA.username, { roles: ['viewer'] }, byCli)).ok).toBe(true);
    expect(await closedAfter(stream, changedAt)).toBeLessThan(1_000);
    expect((await app.inject({ url: '/api/me', headers: { cookie } })).statusCode).toBe(401);
    // A new login carries the new roles.
    const again = await login(RINA);
    expect((await app.inject({ url: '/api/me', headers: { cookie: again } })).json()).toMatchObject({
      roles: ['viewer'],
      language: 'en',
    });
  });

  it('closes the open stream at once on logout and delivers nothing after it', async () => {
    await start();
    const cookie = await login(SITI);
    const stream = await opened({ cookie });
    hub.publish(change('aq-before'));
    await waitFor(() => stream.events.includes('station'), 2_000, 'the event before logout');
    const out = await app.inject({
      method: 'POST',
      url: '/api/logout',
      headers: { cookie, 'content-type': 'application/json' },
      payload: '{}',
    });
    expect(out.statusCode).toBe(204);
    const loggedOutAt = Date.now();
    for (let i = 0; i < 20; i++) hub.publish(change(`aq-after-${i}`));
    expect(await closedAfter(stream, loggedOutAt)).toBeLessThan(1_000);
    expect(stream.events.filter((e) => e === 'station')).toHaveLength(1);
    expect(hub.size).toBe(0);
  });

  it('limits live streams per login (429), the total limit stays, and a removed token loses its streams', async () => {
    await start();
    const bearer = { authorization: `Bearer ${token}` };
    const held = [];
    for (let i = 0; i < 4; i++) held.push(await opened(bearer));
    const fifth = await openStream(bearer);
    expect(fifth.status).toBe(429);
    // Another login still gets its own streams.
    await opened({ cookie: await login(RINA) });
    expect(hub.size).toBe(5);
    // Removing the token ends its streams too.
    const removedAt = Date.now();
    expect(admin().removeToken('wallboard', byCli).ok).toBe(true);
    for (const stream of held) expect(await closedAfter(stream, removedAt)).toBeLessThan(1_000);
    expect(hub.size).toBe(1);
  });

  it('drops a client that stops reading instead of buffering for it without bound', async () => {
    await start({ maxBufferedBytes: 256 * 1024 });
    const cookie = await login(SITI);
    const port = new URL(base).port;
    const socket = connect(Number(port), '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    socket.write(`GET /api/events HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nCookie: ${cookie}\r\n\r\n`);
    await waitFor(() => hub.size === 1, 2_000, 'the stream to open');
    socket.pause();
    const big = {
      type: 'station',
      station: { id: 'aq-big', name: 'x'.repeat(64 * 1024) },
    } as unknown as Change;
    // Up to 128 MiB offered; loopback socket buffers hold a few MiB, the server may queue only 256 KiB more.
    for (let sent = 0; sent < 2048 && hub.size > 0; sent++) {
      hub.publish(big);
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(hub.size).toBe(0);
    socket.destroy();
  });
});
