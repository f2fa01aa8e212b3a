import { readFile } from 'node:fs/promises';
import { createServer as createHttpServer, type IncomingMessage } from 'node:http';
import { createServer as createNetServer, type Server, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { createServer as createTlsServer } from 'node:tls';
import type { Aedes } from 'aedes';
import { createWebSocketStream, WebSocketServer } from 'ws';
import { addressKey } from '../lib/address-key.ts';
import type { Logger } from '../lib/log.ts';
import type { BrokerConfig } from './config.ts';
import type { BrokerMetrics } from './metrics.ts';
import { guardPacketSize } from './packet-size-guard.ts';
import type { RefusalLog } from './refusal-log.ts';

export type Listeners = {
  port: number;
  tlsPort: number | undefined;
  wsPort: number | undefined;
  close(): Promise<void>;
};

// Room for the topic, packet id and the CONNECT fields around a payload: our longest topic is under 200 bytes.
const HEADER_ALLOWANCE = 1024;

/** Counts open sockets per source address across every listener. */
function addressLimiter(max: number, metrics: BrokerMetrics, refusals: RefusalLog) {
  const open = new Map<string, number>();
  return (socket: Socket) => {
    const address = socket.remoteAddress ?? 'unknown';
    const count = open.get(address) ?? 0;
    if (count >= max) {
      const reason = 'too_many_connections_from_address';
      metrics.connectsRefused.inc({ reason });
      refusals.refused(addressKey(address), { reason });
      socket.destroy();
      return;
    }
    open.set(address, count + 1);
    socket.once('close', () => {
      const left = (open.get(address) ?? 1) - 1;
      if (left <= 0) open.delete(address);
      else open.set(address, left);
    });
  };
}

/**
 * The WebSocket port is an HTTP server: a request that is not an upgrade is answered 426 and closed
 * (Node leaves a request nobody answers open for ever), and a socket that has not upgraded within the
 * connect timeout is closed, as aedes closes an MQTT connection that sends no CONNECT in that time.
 */
function guardWebSocketPort(
  http: ReturnType<typeof createHttpServer>,
  path: string,
  timeoutMs: number,
  metrics: BrokerMetrics,
): void {
  http.on('request', (req, res) => {
    metrics.connectsRefused.inc({ reason: 'not_websocket' });
    req.resume();
    res.writeHead(426, { connection: 'close', upgrade: 'websocket', 'content-type': 'text/plain' });
    res.end(`426 Upgrade Required: MQTT over WebSocket at ${path}\n`);
  });
  const deadlines = new WeakMap<Duplex, NodeJS.Timeout>();
  http.on('connection', (socket: Socket) => {
    const deadline = setTimeout(() => {
      metrics.connectsRefused.inc({ reason: 'handshake_timeout' });
      socket.destroy();
    }, timeoutMs).unref();
    deadlines.set(socket, deadline);
    socket.once('close', () => clearTimeout(deadline));
  });
  // From the upgrade on, aedes's own connect timeout runs (it starts when the connection is handed over).
  http.on('upgrade', (req: IncomingMessage) => clearTimeout(deadlines.get(req.socket)));
}

async function listen(server: Server, port: number, host: string): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  return typeof address === 'object' && address ? address.port : port;
}

/** MQTT over TCP, over TLS and over WebSocket, all guarded by the per-address and packet-size limits. */
export async function startListeners(
  aedes: Aedes,
  config: BrokerConfig,
  metrics: BrokerMetrics,
  log: Logger,
  refusals: RefusalLog,
): Promise<Listeners> {
  const maxPacket = config.maxPayloadBytes + HEADER_ALLOWANCE;
  const admit = addressLimiter(config.limits.connectionsPerAddress, metrics, refusals);
  const handle = (conn: Duplex, req?: IncomingMessage) => {
    guardPacketSize(conn, maxPacket, () => {
      metrics.disconnects.inc({ reason: 'packet_too_large' });
      log.warn({ maxPacket }, 'packet too large: closing the connection');
    });
    aedes.handle(conn, req);
  };
  const servers: Server[] = [];

  // 'connection' fires with the raw socket on net, tls and http servers alike, before any handshake.
  const tcp = createNetServer({ noDelay: true }, (socket) => handle(socket));
  tcp.on('connection', admit);
  servers.push(tcp);
  const port = await listen(tcp, config.port, config.host);

  let tlsPort: number | undefined;
  if (config.tls.port >= 0) {
    const [cert, key, ca] = await Promise.all([
      readFile(config.tls.certPath as string),
      readFile(config.tls.keyPath as string),
      config.tls.caPath ? readFile(config.tls.caPath) : undefined,
    ]);
    const tls = createTlsServer(
      { cert, key, ca, handshakeTimeout: config.connectTimeoutMs, minVersion: 'TLSv1.2' },
      (socket) => handle(socket),
    );
    tls.on('connection', admit);
    // A plaintext client on the TLS port fails the handshake; count it, nothing else to do.
    tls.on('tlsClientError', () => metrics.connectsRefused.inc({ reason: 'tls_handshake' }));
    servers.push(tls);
    tlsPort = await listen(tls, config.tls.port, config.host);
  }

  let wsPort: number | undefined;
  let wss: WebSocketServer | undefined;
  let httpServer: ReturnType<typeof createHttpServer> | undefined;
  if (config.ws.port >= 0) {
    // Node's own timeouts for headers and body, checked every second rather than every 30.
    const timeouts = { headersTimeout: config.connectTimeoutMs, requestTimeout: config.connectTimeoutMs };
    const http = createHttpServer({ ...timeouts, connectionsCheckingInterval: 1000 });
    httpServer = http;
    http.on('connection', admit);
    guardWebSocketPort(http, config.ws.path, config.connectTimeoutMs, metrics);
    // ws enforces maxPayload per frame before buffering it, the same cap as the MQTT stream guard.
    wss = new WebSocketServer({ server: http, path: config.ws.path, maxPayload: maxPacket });
    wss.on('connection', (ws, req) => {
      const stream = createWebSocketStream(ws);
      stream.on('error', () => stream.destroy());
      handle(stream, req);
    });
    servers.push(http);
    wsPort = await listen(http, config.ws.port, config.host);
  }

  return {
    port,
    tlsPort,
    wsPort,
    async close() {
      for (const client of wss?.clients ?? []) client.terminate();
      wss?.close();
      httpServer?.closeAllConnections();
      // Stop accepting; aedes.close() closes the clients (server.close() alone would wait for them forever).
      await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
    },
  };
}
