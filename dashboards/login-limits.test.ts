import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../lib/log.ts';
import { openRecords, type Records } from '../lib/records/database.ts';
import { verifySecret } from '../lib/registry/secrets.ts';
import { seedConsoleUsers } from '../testkit/console.ts';
import { buildApp, type ConsoleDeps } from './app.ts';
import { SessionStore } from './auth/sessions.ts';
import { UserDirectory } from './auth/users.ts';
import { LiveState } from './core/live-state.ts';
import { EventHub } from './http/events.ts';
import { createConsoleMetrics } from './metrics.ts';

// Issue 12, item 4: concurrent guesses all reached scrypt and none got 429; the limit was per address only.
const SITI = { username: 'siti', password: 'correct horse battery' };
const RINA = { username: 'rina', password: 'another long secret' };
const wrong = (username: string) => ({ username, password: 'not the password' });

describe('console login limits (inject)', () => {
  let dir: string;
  let records: Records;
  let app: FastifyInstance | undefined;
  const calls = { total: 0, active: 0, maxActive: 0 };
  let clock = 1_000_000;

  // Counts password checks (scrypt runs) and how many overlap; `delayMs` keeps each one in flight longer.
  const countingVerifier =
    (delayMs = 0) =>
    async (secret: string, stored: string) => {
      calls.total += 1;
      calls.active += 1;
      calls.maxActive = Math.max(calls.maxActive, calls.active);
      try {
        if (delayMs) await new Promise((resolve) => setTimeout(resolve, delayMs));
        return await verifySecret(secret, stored);
      } finally {
        calls.active -= 1;
      }
    };

  const build = async (over: Partial<ConsoleDeps> & { verifyDelayMs?: number } = {}) => {
    app = await buildApp({
      state: new LiveState([]),
      hub: new EventHub(),
      records,
      users: new UserDirectory(records, countingVerifier(over.verifyDelayMs)),
      sessions: new SessionStore(60_000),
      metrics: createConsoleMetrics(),
      history: async () => [],
      ack: undefined,
      isConnected: () => true,
      publicRead: false,
      secureCookie: false,
      sessionTtlMs: 60_000,
      maxSseClients: 10,
      maxSsePerPrincipal: 4,
      trustProxy: false,
      log: silentLogger(),
      now: () => clock,
      ...over,
    });
    return app;
  };
  const login = (a: FastifyInstance, payload: object, remoteAddress = '127.0.0.1', forwardedFor?: string) =>
    a.inject({
      method: 'POST',
      url: '/api/login',
      payload,
      remoteAddress,
      headers: forwardedFor ? { 'x-forwarded-for': forwardedFor } : {},
    });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'console-limits-'));
    records = openRecords(join(dir, 'records.db'));
    await seedConsoleUsers(records, [
      { ...SITI, roles: ['operator'] },
      { ...RINA, roles: ['viewer'] },
    ]);
  });
  afterEach(async () => {
    await app?.close();
    app = undefined;
    Object.assign(calls, { total: 0, active: 0, maxActive: 0 });
  });
  afterAll(async () => {
    records?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('answers 60 concurrent wrong passwords with 429 beyond the limit, without running scrypt for them', async () => {
    const a = await build();
    const answers = await Promise.all(Array.from({ length: 60 }, () => login(a, wrong('siti'))));
    const codes = answers.map((r) => r.statusCode);
    expect(codes.filter((c) => c === 401)).toHaveLength(5);
    expect(codes.filter((c) => c === 429)).toHaveLength(55);
    const limited = answers.find((r) => r.statusCode === 429);
    expect(Number(limited?.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(calls.total).toBe(5);
    expect(calls.maxActive).toBeLessThanOrEqual(2);
  });

  it('limits a user name across many addresses, and an attacker behind the proxy does not lock out others', async () => {
    const a = await build();
    // 20 addresses, one guess each: the user name's counter holds them all.
    const codes: number[] = [];
    for (let i = 0; i < 20; i++) codes.push((await login(a, wrong('siti'), `10.0.0.${i + 1}`)).statusCode);
    expect(codes.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(codes.slice(5).every((c) => c === 429)).toBe(true);
    expect(calls.total).toBe(5);
    // Even the right password waits out the backoff: that is what stops distributed guessing.
    expect((await login(a, SITI, '10.0.0.99')).statusCode).toBe(429);

    // Without CONSOLE_TRUST_PROXY every client of the proxy shares its address; the other user still gets in.
    const proxy = '127.0.0.1';
    for (let i = 0; i < 30; i++) await login(a, wrong('siti'), proxy, '203.0.113.9');
    expect((await login(a, RINA, proxy, '198.51.100.7')).statusCode).toBe(200);
  });

  it('with trustProxy keys the address limit on X-Forwarded-For, not the proxy', async () => {
    const tightAddress = { free: 3, baseMs: 1_000, maxMs: 30_000, forgetMs: 60_000 };
    const a = await build({ trustProxy: true, loginLimits: { address: tightAddress } });
    // One client spraying guesses over user names: its own address is limited after 3.
    for (const name of ['ana', 'budi', 'citra'])
      expect((await login(a, wrong(name), '127.0.0.1', '203.0.113.9')).statusCode).toBe(401);
    const sprayed = await login(a, wrong('dewi'), '127.0.0.1', '203.0.113.9');
    expect(sprayed.statusCode).toBe(429);
    // Another client through the same proxy is not.
    expect((await login(a, RINA, '127.0.0.1', '198.51.100.7')).statusCode).toBe(200);
  });

  it('backs off longer after each failure and a correct password resets the user name', async () => {
    const a = await build();
    for (let i = 0; i < 5; i++) expect((await login(a, wrong('siti'))).statusCode).toBe(401);
    const waits: number[] = [];
    for (let i = 0; i < 3; i++) {
      const limited = await login(a, wrong('siti'));
      expect(limited.statusCode).toBe(429);
      const wait = Number(limited.headers['retry-after']);
      waits.push(wait);
      clock += wait * 1000;
      expect((await login(a, wrong('siti'))).statusCode).toBe(401);
    }
    expect(waits).toEqual([1, 2, 4]);
    clock += 8_000;
    expect((await login(a, SITI)).statusCode).toBe(200);
    // Reset: five free tries again.
    for (let i = 0; i < 5; i++) expect((await login(a, wrong('siti'))).statusCode).toBe(401);
    expect((await login(a, wrong('siti'))).statusCode).toBe(429);
  });

  it('runs at most 2 password checks at once and answers 503 beyond the queue, charging no failure', async () => {
    const a = await build({ verifyDelayMs: 40, passwordChecks: { concurrency: 2, queue: 4 } });
    const names = Array.from({ length: 20 }, (_, i) => `user${i}`);
    const answers = await Promise.all(names.map((n, i) => login(a, wrong(n), `10.1.0.${i + 1}`)));
    const codes = answers.map((r) => r.statusCode);
    expect(codes.filter((c) => c === 401)).toHaveLength(6);
    expect(codes.filter((c) => c === 503)).toHaveLength(14);
    expect(answers.find((r) => r.statusCode === 503)?.headers['retry-after']).toBe('1');
    expect(calls.maxActive).toBe(2);
    // A busy answer took nothing from the user's allowance: five wrong tries later still get 401.
    const busyName = names[codes.indexOf(503)] ?? '';
    for (let i = 0; i < 5; i++) expect((await login(a, wrong(busyName))).statusCode).toBe(401);
  });
});
