import { describe, expect, it } from 'vitest';
import type { Device } from '../../lib/registry/schema.ts';
import { AQ, BODY, basic, count, deviceOf, post, refused, SECRETS, setup, until, WN } from './app-fixture.ts';

describe('ingest HTTP app: health, readiness, metrics (inject)', () => {
  it('answers /healthz while the process runs', async () => {
    const { app } = await setup({ mqttConnected: () => false, influxReachable: async () => false });
    const res = await app.inject({ method: 'GET', url: '/healthz' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok' });
  });

  it('is ready (200) only while both the broker link and InfluxDB are up (503 otherwise)', async () => {
    let mqtt = true;
    let influx = true;
    const { app, clock } = await setup({ mqttConnected: () => mqtt, influxReachable: async () => influx });
    const ready = await app.inject({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({ status: 'ready', mqtt: true, influx: true });

    mqtt = false;
    const noBroker = await app.inject({ method: 'GET', url: '/readyz' });
    expect(noBroker.statusCode).toBe(503);
    expect(noBroker.json()).toEqual({ status: 'not_ready', mqtt: false, influx: true });

    mqtt = true;
    influx = false;
    clock.now += 5001; // past the cached ping
    const noInflux = await app.inject({ method: 'GET', url: '/readyz' });
    expect(noInflux.statusCode).toBe(503);
    expect(noInflux.json()).toEqual({ status: 'not_ready', mqtt: true, influx: false });
  });

  it('pings InfluxDB at most once in 5 s, however often it is probed', async () => {
    let pings = 0;
    const { app, clock } = await setup({
      influxReachable: async () => {
        pings++;
        return true;
      },
    });
    for (let i = 0; i < 3; i++) await app.inject({ method: 'GET', url: '/readyz' });
    clock.now += 5000;
    await app.inject({ method: 'GET', url: '/readyz' });
    expect(pings).toBe(1);
    clock.now += 1;
    await app.inject({ method: 'GET', url: '/readyz' });
    expect(pings).toBe(2);
  });

  it('serves the Prometheus text of its own registry on /metrics', async () => {
    const { app, metrics } = await setup();
    metrics.received.inc(3);
    const res = await app.inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(res.body).toMatch(/^ingest_messages_received_total 3$/m);
  });

  it('serves no readings endpoint without a registry to authenticate devices against (404)', async () => {
    const { app } = await setup({ withoutIngest: true });
    const res = await post(app, `/v1/readings/water_network/${WN}`, basic(WN));
    expect(res.statusCode).toBe(404);
  });

  it('answers an unexpected failure 500 without its message', async () => {
    const { app } = await setup({
      verify: async () => {
        throw new Error('registry file vanished: /secret/path');
      },
    });
    const res = await post(app, `/v1/readings/water_network/${WN}`, basic(WN));
    expect(res.statusCode).toBe(500);
    expect(res.json()).toEqual({ error: 'internal error' });
  });
});

describe('ingest HTTP app: POST /v1/readings/<kind>/<station> (inject)', () => {
  it('hands the body, as sent, to the decode-and-spool step and answers 202 once it is stored', async () => {
    const { app, accepted } = await setup();
    const res = await post(app, `/v1/readings/water_network/${WN}`, basic(WN), BODY, {
      'content-type': 'application/senml+json',
    });
    expect(res.statusCode).toBe(202);
    expect(res.json()).toEqual({ stored: 1 });
    expect(accepted).toEqual([{ kind: 'water_network', station: WN, body: BODY }]);
  });

  it('reports what one message refused alongside what it stored (202)', async () => {
    const rejection = { reason: 'write_rejected', detail: 'field name too long' };
    const { app } = await setup({ accept: () => ({ status: 'stored', readings: 2, rejection }) });
    const res = await post(app, `/v1/readings/water_network/${WN}`, basic(WN));
    expect(res.statusCode).toBe(202);
    expect(res.json()).toEqual({ stored: 2, rejected: rejection });
  });

  it('answers 400 with the decoder reason when nothing could be stored', async () => {
    const rejection = { reason: 'malformed_json', detail: 'Unexpected end of JSON input' };
    const { app } = await setup({ accept: () => ({ status: 'rejected', rejection }) });
    const res = await post(app, `/v1/readings/water_network/${WN}`, basic(WN), '{"ts":');
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual(rejection);
  });

  it.each([
    ['no Authorization header', undefined],
    ['a scheme other than Basic', `Bearer ${SECRETS[WN]}`],
    ['Basic without a colon', `Basic ${Buffer.from(WN).toString('base64')}`],
    ['an id the registry does not know', basic('nobody', 'x')],
    ['a wrong secret', basic(WN, 'wrong')],
    ["another device's valid credentials", basic(AQ)],
  ])('answers 401 with a Basic challenge to %s, and decodes nothing', async (_, authorization) => {
    const { app, metrics, accepted } = await setup();
    const res = await post(app, `/v1/readings/water_network/${WN}`, authorization);
    expect(res.statusCode).toBe(401);
    expect(res.headers['www-authenticate']).toBe('Basic realm="ingest", charset="UTF-8"');
    expect(res.json()).toEqual({ error: 'a registered device id and its secret are required (HTTP Basic)' });
    expect(accepted).toEqual([]);
    expect(await refused(metrics, 'unauthenticated')).toBe(1);
  });

  it('answers a kind that is not a kind id 403 once the device is verified, naming its own path', async () => {
    const { app, accepted } = await setup();
    const res = await post(app, `/v1/readings/Water-Network/${WN}`, basic(WN));
    expect(res.statusCode).toBe(403);
    expect(res.json()).toEqual({ error: `${WN} may send only to /v1/readings/water_network/${WN}` });
    expect(accepted).toEqual([]);
  });

  it('answers 403, naming its own path, to a device sending under another kind', async () => {
    const { app, metrics, accepted } = await setup();
    const res = await post(app, `/v1/readings/air_quality/${WN}`, basic(WN));
    expect(res.statusCode).toBe(403);
    expect(res.json()).toEqual({ error: `${WN} may send only to /v1/readings/water_network/${WN}` });
    expect(accepted).toEqual([]);
    expect(await refused(metrics, 'forbidden')).toBe(1);
  });

  it('answers 413, counted as payload_too_large, to a body over the payload limit', async () => {
    const { app, metrics, accepted } = await setup();
    const res = await post(app, `/v1/readings/water_network/${WN}`, basic(WN), Buffer.alloc(1025, 0x20));
    expect(res.statusCode).toBe(413);
    expect(res.json()).toEqual({ reason: 'payload_too_large', detail: 'more than 1024 bytes' });
    expect(accepted).toEqual([]);
    expect(await count(metrics.rejected, 'payload_too_large')).toBe(1);
  });

  it('takes any well-formed content type, and answers 415 to a malformed one', async () => {
    const { app, accepted } = await setup();
    const url = `/v1/readings/water_network/${WN}`;
    const plain = await post(app, url, basic(WN), BODY, { 'content-type': 'text/plain; charset=utf-8' });
    expect(plain.statusCode).toBe(202);
    const malformed = await post(app, url, basic(WN), BODY, { 'content-type': 'not a media type' });
    expect(malformed.statusCode).toBe(415);
    expect(accepted).toHaveLength(1);
  });

  it('answers 429 with Retry-After past the burst, and takes the device again once tokens refill', async () => {
    const { app, metrics, clock } = await setup();
    const send = () => post(app, `/v1/readings/water_network/${WN}`, basic(WN));
    expect((await send()).statusCode).toBe(202);
    expect((await send()).statusCode).toBe(202);
    const limited = await send();
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['retry-after']).toBe('5');
    expect(await refused(metrics, 'rate_limited')).toBe(1);
    // Another device has its own bucket.
    expect((await post(app, `/v1/readings/air_quality/${AQ}`, basic(AQ))).statusCode).toBe(202);
    clock.now += 1000; // one request a second
    expect((await send()).statusCode).toBe(202);
    expect((await send()).statusCode).toBe(429);
  });

  it('answers 503 with Retry-After while two secrets are being checked, and checks again after', async () => {
    const pending: (() => void)[] = [];
    const { app, metrics, verified } = await setup({
      verify: (id, secret) =>
        new Promise<Device | undefined>((resolve) =>
          pending.push(() => resolve(SECRETS[id] === secret ? deviceOf(id) : undefined)),
        ),
    });
    const first = post(app, `/v1/readings/water_network/${WN}`, basic(WN));
    const second = post(app, `/v1/readings/air_quality/${AQ}`, basic(AQ));
    await until(() => pending.length === 2);
    // Answered at once, not queued behind the two checks (which never end until released below).
    const busy = await Promise.race([
      post(app, `/v1/readings/water_network/${WN}`, basic(WN)),
      new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 1000)),
    ]);
    expect(busy?.statusCode).toBe(503);
    expect(busy?.headers['retry-after']).toBe('5');
    expect(busy?.json()).toEqual({ error: 'busy checking secrets; retry later' });
    expect(await refused(metrics, 'busy')).toBe(1);
    for (const release of pending.splice(0)) release();
    expect([(await first).statusCode, (await second).statusCode]).toEqual([202, 202]);
    // A secret not verified before takes a free slot again.
    const after = post(app, `/v1/readings/air_quality/${AQ}`, basic(AQ, 'not-it'));
    await until(() => pending.length === 1);
    pending[0]?.();
    expect((await after).statusCode).toBe(401);
    expect(verified).toEqual([WN, AQ, AQ]);
  });

  it('answers 503 with Retry-After when the spool is full', async () => {
    const { app, metrics } = await setup({ accept: () => ({ status: 'full' }) });
    const res = await post(app, `/v1/readings/water_network/${WN}`, basic(WN));
    expect(res.statusCode).toBe(503);
    expect(res.headers['retry-after']).toBe('5');
    expect(res.json()).toEqual({ error: 'the spool is full: InfluxDB is behind; retry later' });
    expect(await refused(metrics, 'spool_full')).toBe(1);
  });
});
