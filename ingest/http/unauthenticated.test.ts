import { describe, expect, it } from 'vitest';
import type { Device } from '../../lib/registry/schema.ts';
import { AQ, BODY, basic, count, deviceOf, post, refused, SECRETS, setup, until, WN } from './app-fixture.ts';

// Issue 12, item 2: what requests without a verified secret could do to devices, measured against main
// at 8973ea7, each now refused. Every test here failed on that code.

const WN_PATH = `/v1/readings/water_network/${WN}`;
const GUESSER = '192.0.2.7';

describe('HTTP ingest: no unauthenticated request can slow, lock out or enumerate devices', () => {
  it("wrong secrets do not use up the device's request allowance (90 guesses, then the device sends)", async () => {
    const { app, verified } = await setup();
    expect((await post(app, WN_PATH, basic(WN))).statusCode).toBe(202);
    const guesses: number[] = [];
    for (let i = 0; i < 90; i++)
      guesses.push((await post(app, WN_PATH, basic(WN, `guess-${i}`), BODY, {}, GUESSER)).statusCode);
    // The device's bucket (burst 2) still holds the token it did not spend.
    expect((await post(app, WN_PATH, basic(WN))).statusCode).toBe(202);
    // Five guesses are checked (ID_BACKOFF), the rest held back before scrypt.
    expect(guesses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(new Set(guesses.slice(5))).toEqual(new Set([429]));
    expect(verified.length).toBe(1 + 5);
  });

  it('a device whose secret verified is answered while guesses hold every scrypt slot (8 of 8)', async () => {
    const pending: (() => void)[] = [];
    let hold = false;
    const { app, clock, metrics } = await setup({
      verify: (id, secret) => {
        const verdict = SECRETS[id] === secret ? deviceOf(id) : undefined;
        if (!hold) return Promise.resolve(verdict);
        return new Promise<Device | undefined>((resolve) => pending.push(() => resolve(verdict)));
      },
    });
    expect((await post(app, WN_PATH, basic(WN))).statusCode).toBe(202);
    hold = true;
    const guesses = [
      post(app, WN_PATH, basic(WN, 'a'), BODY, {}, GUESSER),
      post(app, `/v1/readings/air_quality/${AQ}`, basic(AQ, 'b')),
    ];
    await until(() => pending.length === 2);
    // A third unverified secret finds the gate full...
    expect((await post(app, `/v1/readings/air_quality/${AQ}`, basic(AQ))).statusCode).toBe(503);
    // ...and the verified device passes every time (one request a second: its own rate).
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) {
      clock.now += 1000;
      statuses.push((await post(app, WN_PATH, basic(WN))).statusCode);
    }
    expect(statuses).toEqual(Array(8).fill(202));
    expect(await refused(metrics, 'busy')).toBe(1);
    for (const release of pending.splice(0)) release();
    expect((await Promise.all(guesses)).map((r) => r.statusCode)).toEqual([401, 401]);
  });

  it("an unknown id, a wrong secret and a known id on another station's path get the same 401", async () => {
    const { app, metrics, verified } = await setup();
    const answers = await Promise.all([
      post(app, '/v1/readings/water_network/nobody-01', basic('nobody-01', 'x')),
      post(app, WN_PATH, basic(WN, 'wrong')),
      post(app, WN_PATH, basic(AQ)),
      post(app, WN_PATH, basic('nobody-01', 'x')),
    ]);
    const seen = answers.map((r) => ({
      status: r.statusCode,
      challenge: r.headers['www-authenticate'],
      body: r.body,
    }));
    expect(new Set(seen.map((s) => JSON.stringify(s))).size).toBe(1);
    expect(seen[0]).toEqual({
      status: 401,
      challenge: 'Basic realm="ingest", charset="UTF-8"',
      body: JSON.stringify({ error: 'a registered device id and its secret are required (HTTP Basic)' }),
    });
    // Same timing class: the unknown id on its own path pays a (dummy) check like the wrong secret;
    // both mismatched paths are refused before any check, whatever the id.
    expect(verified).toEqual(['nobody-01', WN]);
    expect(await refused(metrics, 'unauthenticated')).toBe(4);
    expect(await refused(metrics, 'forbidden')).toBe(0);
  });

  it('an unauthenticated 5 MB POST is refused 401 before its body is read, and is no device reject', async () => {
    const { app, metrics, accepted } = await setup();
    const huge = Buffer.alloc(5 * 1024 * 1024, 0x20);
    const none = await post(app, WN_PATH, undefined, huge);
    const wrong = await post(app, WN_PATH, basic(WN, 'wrong'), huge);
    expect([none.statusCode, wrong.statusCode]).toEqual([401, 401]);
    expect(await count(metrics.rejected, 'payload_too_large')).toBe(0);
    expect(await refused(metrics, 'unauthenticated')).toBe(2);
    expect(accepted).toEqual([]);
  });
});

describe('HTTP ingest: failed checks are held back before scrypt, per address and per claimed id', () => {
  it('backs a claimed id off after five failures from any address, doubling, and lets it try after', async () => {
    const { app, clock, verified, metrics } = await setup();
    for (let i = 0; i < 5; i++)
      expect((await post(app, WN_PATH, basic(WN, 'x'), BODY, {}, `192.0.2.${i}`)).statusCode).toBe(401);
    const held = await post(app, WN_PATH, basic(WN, 'x'), BODY, {}, '198.51.100.1');
    expect(held.statusCode).toBe(429);
    expect(held.headers['retry-after']).toBe('1');
    expect(await refused(metrics, 'auth_backoff')).toBe(1);
    clock.now += 1000;
    expect((await post(app, WN_PATH, basic(WN, 'x'))).statusCode).toBe(401);
    expect((await post(app, WN_PATH, basic(WN, 'x'))).headers['retry-after']).toBe('2');
    expect(verified).toEqual(Array(6).fill(WN));
    // The real device, once past the wait, verifies and its failures are forgotten.
    clock.now += 2000;
    expect((await post(app, WN_PATH, basic(WN))).statusCode).toBe(202);
  });

  it('backs an address off after ten failures, whatever ids it claims; other addresses go on', async () => {
    const { app, verified } = await setup();
    for (let i = 0; i < 10; i++) {
      const id = `guess-${i}`;
      const res = await post(app, `/v1/readings/water_network/${id}`, basic(id, 'x'), BODY, {}, GUESSER);
      expect(res.statusCode).toBe(401);
    }
    const next = await post(
      app,
      '/v1/readings/water_network/guess-10',
      basic('guess-10', 'x'),
      BODY,
      {},
      GUESSER,
    );
    expect(next.statusCode).toBe(429);
    expect(verified).toHaveLength(10);
    // A device not yet verified, from another address, is checked as usual.
    expect((await post(app, `/v1/readings/air_quality/${AQ}`, basic(AQ))).statusCode).toBe(202);
  });
});
