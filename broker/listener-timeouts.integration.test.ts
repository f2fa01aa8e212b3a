import { connect as connectTcp, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectPacket, startTestBroker, type TestBroker } from '../testkit/broker.ts';

const TIMEOUT_MS = 500;
// The timeout plus room for a busy 2-core machine; Node's own default (requestTimeout) is 300 s.
const BOUND_MS = TIMEOUT_MS + 2000;

type Outcome = { closedAfterMs: number; received: string };

/** Opens a socket, writes `bytes` (if any) and waits for the broker to close it, up to `within` ms. */
function untilClosed(port: number, bytes: string | Buffer | undefined, within: number): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const chunks: Buffer[] = [];
    const socket: Socket = connectTcp({ host: '127.0.0.1', port }, () => {
      if (bytes !== undefined) socket.write(bytes);
    });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(
        new Error(
          `still open after ${within} ms; received ${JSON.stringify(Buffer.concat(chunks).toString())}`,
        ),
      );
    }, within);
    socket.on('data', (d) => chunks.push(d));
    socket.on('error', () => {});
    socket.once('close', () => {
      clearTimeout(timer);
      resolve({ closedAfterMs: performance.now() - started, received: Buffer.concat(chunks).toString() });
    });
  });
}

describe('listeners answer or close what never becomes an MQTT session', () => {
  let t: TestBroker;
  beforeAll(async () => {
    t = await startTestBroker([{ id: 'aq-ws-01', kind: 'air_quality' }], {
      connectTimeoutMs: TIMEOUT_MS,
      ws: { port: 0 },
    });
  });
  afterAll(async () => t?.close());

  it('answers a plain HTTP GET on the WebSocket port with 426 and closes the connection', async () => {
    const request = 'GET /mqtt HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n';
    const outcome = await untilClosed(t.broker.wsPort as number, request, BOUND_MS);
    expect(outcome.received).toMatch(/^HTTP\/1\.1 426 Upgrade Required\r\n/);
    expect(outcome.received.toLowerCase()).toContain('connection: close');
    expect(outcome.closedAfterMs).toBeLessThan(BOUND_MS);
    const res = await fetch(`http://127.0.0.1:${t.broker.wsPort}/`);
    expect(res.status).toBe(426);
  });

  it('closes a socket on the WebSocket port that sends nothing, or half a request, after the connect timeout', async () => {
    const [silent, partial] = await Promise.all([
      untilClosed(t.broker.wsPort as number, undefined, BOUND_MS),
      untilClosed(t.broker.wsPort as number, 'GET /mqtt HTTP/1.1\r\nHost: 127.0.0.1\r\n', BOUND_MS),
    ]);
    for (const outcome of [silent, partial])
      expect(outcome.closedAfterMs).toBeGreaterThanOrEqual(TIMEOUT_MS - 50);
  });

  it('closes an idle TCP socket, and one that sends half a CONNECT, after the connect timeout', async () => {
    const half = connectPacket({
      clientId: 'aq-ws-01',
      username: 'aq-ws-01',
      password: 'x',
      clean: true,
    }).subarray(0, 10);
    const [idle, partial] = await Promise.all([
      untilClosed(t.broker.port, undefined, BOUND_MS),
      untilClosed(t.broker.port, half, BOUND_MS),
    ]);
    for (const outcome of [idle, partial]) {
      expect(outcome.received).toBe('');
      expect(outcome.closedAfterMs).toBeGreaterThanOrEqual(TIMEOUT_MS - 50);
    }
  });

  it('counts what it refused, by reason', async () => {
    const { values } = await t.broker.metrics.connectsRefused.get();
    const reasons = Object.fromEntries(values.map((v) => [v.labels.reason, v.value]));
    expect(reasons).toMatchObject({ not_websocket: 2, handshake_timeout: 2 });
  });
});
