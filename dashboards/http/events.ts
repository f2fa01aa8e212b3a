import type { ServerResponse } from 'node:http';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Change } from '../core/live-state.ts';
import { SECURITY_HEADERS } from './security.ts';

type Listener = (change: Change) => void;

/** Fan-out of live-state changes to the open SSE streams. */
export class EventHub {
  readonly #listeners = new Set<Listener>();

  publish(change: Change): void {
    for (const listener of this.#listeners) listener(change);
  }

  subscribe(listener: Listener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  get size(): number {
    return this.#listeners.size;
  }
}

export type SseDeps = {
  hub: EventHub;
  snapshot: () => unknown;
  maxClients: number;
  heartbeatMs?: number;
  onClientsChanged?: (count: number) => void;
};

/** One SSE frame (WHATWG HTML "server-sent events"): JSON never contains a raw newline. */
export function sseFrame(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

/**
 * Streams a snapshot, then every change, to the browser. The server holds the MQTT subscription: the
 * browser gets no broker credentials. Streams are ended before the server closes (preClose), or
 * close() would wait for them forever.
 */
export function openEventStream(app: FastifyInstance, deps: SseDeps) {
  const open = new Set<ServerResponse>();
  app.addHook('preClose', async () => {
    for (const res of open) res.end();
  });

  return (reply: FastifyReply) => {
    if (open.size >= deps.maxClients) {
      reply.code(503).send({ error: 'too many live connections' });
      return;
    }
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      ...SECURITY_HEADERS,
      'content-type': 'text/event-stream; charset=utf-8',
      connection: 'keep-alive',
      // Proxies (nginx) must not buffer the stream.
      'x-accel-buffering': 'no',
    });
    open.add(res);
    deps.onClientsChanged?.(open.size);
    // Browsers reconnect after `retry` ms when the stream drops; the new stream starts with a snapshot.
    res.write(`retry: 3000\n${sseFrame('snapshot', deps.snapshot())}`);
    const unsubscribe = deps.hub.subscribe((change) => res.write(sseFrame(change.type, change)));
    const heartbeat = setInterval(() => res.write(': ping\n\n'), deps.heartbeatMs ?? 15_000);
    res.on('close', () => {
      clearInterval(heartbeat);
      unsubscribe();
      open.delete(res);
      deps.onClientsChanged?.(open.size);
    });
  };
}
