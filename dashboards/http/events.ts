import type { ServerResponse } from 'node:http';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Logger } from '../../lib/log.ts';
import type { Change } from '../core/live-state.ts';
import { problem } from './problem.ts';
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

/** Whose stream it is: a login (`session:...`, `token:...`) or, for public reads, `address:<ip>`. */
export type StreamOwner = { key: string; valid?: () => boolean };

/**
 * What one stream shows: its first snapshot and which changes it gets. A scoped principal's view
 * leaves out other stations, per connection: their events are never written to this socket.
 */
export type StreamView = { snapshot: () => unknown; accepts?: (change: Change) => boolean };

export type DropReason = 'ended' | 'slow';

export type SseDeps = {
  hub: EventHub;
  maxClients: number;
  /** Streams one owner may hold at once; more get 429 (one token once held all 200 slots). */
  maxPerOwner: number;
  heartbeatMs?: number;
  /** How often open streams are checked against their login (logout, expiry, user or token changes). */
  revalidateMs?: number;
  /** Unsent bytes, beyond the first snapshot, that a client may leave queued before it is dropped. */
  maxBufferedBytes?: number;
  /** Logins that end (logout) are announced here by key, and their streams close at once. */
  onOwnerEnded?: (listener: (key: string) => void) => () => void;
  onClientsChanged?: (count: number) => void;
  onDropped?: (reason: DropReason) => void;
  onRefused?: (limit: 'total' | 'per_login') => void;
  log?: Logger;
};

type Stream = { owner: StreamOwner; drop: (reason: DropReason) => void };

/** One SSE frame (WHATWG HTML "server-sent events"): JSON never contains a raw newline. */
export function sseFrame(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

/**
 * Streams a snapshot, then every change, to the browser. The server holds the MQTT subscription: the
 * browser gets no broker credentials.
 *
 * A stream lives only as long as its login: every `revalidateMs` (and at once on logout) streams whose
 * owner is no longer valid are ended. A client that does not read (its socket buffer is full and more
 * than `maxBufferedBytes` wait in memory) is dropped rather than buffered for without bound; its
 * browser reconnects and starts again from a fresh snapshot, so it misses nothing it would keep.
 * Streams are ended before the server closes (preClose), or close() would wait for them forever.
 */
export function openEventStream(app: FastifyInstance, deps: SseDeps) {
  const open = new Set<Stream>();
  const perOwner = new Map<string, number>();
  let timer: NodeJS.Timeout | undefined;

  const revalidate = () => {
    try {
      // valid() reads the records database: one point lookup per stream, microseconds each.
      for (const stream of open) if (stream.owner.valid && !stream.owner.valid()) stream.drop('ended');
    } catch (err) {
      // The streams stay until the next check; the next request reports the broken database.
      deps.log?.warn({ err: (err as Error).message }, 'live streams: logins not re-checked');
    }
  };
  const unsubscribeEnded = deps.onOwnerEnded?.((key) => {
    for (const stream of open) if (stream.owner.key === key) stream.drop('ended');
  });
  app.addHook('preClose', async () => {
    unsubscribeEnded?.();
    for (const stream of open) stream.drop('ended');
  });

  return (reply: FastifyReply, owner: StreamOwner, view: StreamView) => {
    if (open.size >= deps.maxClients) {
      deps.onRefused?.('total');
      reply.code(503).send(problem('error.streams_full'));
      return;
    }
    const held = perOwner.get(owner.key) ?? 0;
    if (held >= deps.maxPerOwner) {
      deps.onRefused?.('per_login');
      reply.header('retry-after', '3');
      reply.code(429).send(problem('error.streams_per_login', { max: deps.maxPerOwner }));
      return;
    }
    reply.hijack();
    const res: ServerResponse = reply.raw;
    res.writeHead(200, {
      ...SECURITY_HEADERS,
      'content-type': 'text/event-stream; charset=utf-8',
      connection: 'keep-alive',
      // Proxies (nginx) must not buffer the stream.
      'x-accel-buffering': 'no',
    });
    let closed = false;
    const stream: Stream = {
      owner,
      drop(reason) {
        if (closed) return;
        deps.onDropped?.(reason);
        if (reason === 'slow') deps.log?.debug({ owner: owner.key }, 'live stream dropped: client too slow');
        // A slow client's queue is thrown away (destroy); an ended login gets a clean end of stream.
        if (reason === 'slow') res.destroy();
        else res.end();
        cleanup();
      },
    };
    const cleanup = () => {
      if (closed) return;
      closed = true;
      clearInterval(heartbeat);
      unsubscribe();
      open.delete(stream);
      const left = (perOwner.get(owner.key) ?? 1) - 1;
      if (left > 0) perOwner.set(owner.key, left);
      else perOwner.delete(owner.key);
      deps.onClientsChanged?.(open.size);
      if (open.size === 0 && timer) {
        clearInterval(timer);
        timer = undefined;
      }
    };

    // Browsers reconnect after `retry` ms when the stream drops; the new stream starts with a snapshot.
    const first = `retry: 3000\n${sseFrame('snapshot', view.snapshot())}`;
    const limit = Buffer.byteLength(first) + (deps.maxBufferedBytes ?? 1024 * 1024);
    const send = (chunk: string) => {
      // write() answering false only means "above the 16 KiB high-water mark"; drop on a real backlog.
      if (!closed && !res.write(chunk) && res.writableLength > limit) stream.drop('slow');
    };
    open.add(stream);
    perOwner.set(owner.key, held + 1);
    deps.onClientsChanged?.(open.size);
    const unsubscribe = deps.hub.subscribe((change) => {
      if (!view.accepts || view.accepts(change)) send(sseFrame(change.type, change));
    });
    const heartbeat = setInterval(() => send(': ping\n\n'), deps.heartbeatMs ?? 15_000);
    timer ??= setInterval(revalidate, deps.revalidateMs ?? 250);
    res.on('close', cleanup);
    send(first);
  };
}
