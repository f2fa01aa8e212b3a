import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { KIND_ID_PATTERN, STATION_ID_PATTERN } from '../../lib/catalogue/index.ts';
import { PublishRateLimiter } from '../../lib/rate-limit.ts';
import type { Device } from '../../lib/registry/schema.ts';
import { Reasons } from '../core/reasons.ts';
import type { IngestMetrics } from '../metrics.ts';

type Rejection = { reason: string; detail: string };

/** What the route answers with once a device is authenticated: the ingest's decode-and-spool step. */
export type AcceptResult =
  | { status: 'stored'; readings: number; rejection: Rejection | undefined }
  | { status: 'rejected'; rejection: Rejection | undefined }
  | { status: 'full' };

export type HttpIngest = {
  /** Whether a device with this id is registered and not revoked (cheap: no secret checked). */
  knows(id: string): boolean;
  /** The device with this id and secret (its MQTT credentials), or undefined. */
  authenticate(id: string, secret: string): Promise<Device | undefined>;
  /** Decodes, spools and forwards one payload, as a message on `sensors/<kind>/<station>` would be. */
  accept(kind: string, station: string, payload: Buffer): AcceptResult;
  maxPayloadBytes: number;
  limits: { requestsPerSecond: number; burst: number };
};

/** Seconds a client is asked to wait when the spool is full or it sent too fast. */
const RETRY_AFTER_S = 5;
/**
 * scrypt checks running at once. Each costs about 60 ms and 32 MiB (lib/registry/secrets.ts); a
 * verified secret is remembered, so only new or wrong ones pay, and a flood of wrong ones must not take
 * the worker's memory with it.
 */
const MAX_VERIFYING = 2;
const UNAUTHENTICATED = 'a registered device id and its secret are required (HTTP Basic)';

/** `Authorization: Basic base64(id:secret)` -> [id, secret]. */
function basicCredentials(header: string | undefined): [string, string] | undefined {
  const match = /^Basic ([A-Za-z0-9+/=]+)$/i.exec(header ?? '');
  if (!match?.[1]) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon > 0 ? [decoded.slice(0, colon), decoded.slice(colon + 1)] : undefined;
}

function refuse(reply: FastifyReply, code: number, body: Record<string, unknown>) {
  if (code === 401) reply.header('www-authenticate', 'Basic realm="ingest", charset="UTF-8"');
  if (code === 429 || code === 503) reply.header('retry-after', String(RETRY_AFTER_S));
  return reply.code(code).send(body);
}

/**
 * `POST /v1/readings/<kind>/<station>`: the HTTP door for devices that cannot speak MQTT (Sensor.Community
 * firmware's "send to own API", data loggers with only an HTTP client). The rules are MQTT's: the device
 * authenticates with its own id and secret and may send only its own station's readings; the body is any
 * payload the MQTT path takes (native, SenML, Sensor.Community) and goes through the same decoder; the
 * answer (202) comes once the readings are in the spool, as a PUBACK does.
 */
export const readingsRoute: FastifyPluginAsync<{
  ingest: HttpIngest;
  metrics: IngestMetrics;
  now: () => number;
}> = async (scope, { ingest, metrics, now }) => {
  const limiters = new Map<string, PublishRateLimiter>();
  let verifying = 0;
  const limiterFor = (station: string) => {
    let limiter = limiters.get(station);
    if (!limiter) {
      // Bounded by the registry: only registered devices get one.
      limiter = new PublishRateLimiter(ingest.limits.requestsPerSecond, ingest.limits.burst, now());
      limiters.set(station, limiter);
    }
    return limiter;
  };

  // The decoder wants the bytes as sent, whatever the content type (JSON, SenML+JSON, none at all).
  scope.removeAllContentTypeParsers();
  scope.addContentTypeParser(
    '*',
    { parseAs: 'buffer', bodyLimit: ingest.maxPayloadBytes },
    (_req, body, done) => done(null, body),
  );
  scope.setErrorHandler((err: Error & { statusCode?: number; code?: string }, _request, reply) => {
    if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      metrics.rejected.inc({ reason: Reasons.payloadTooLarge });
      return refuse(reply, 413, {
        reason: Reasons.payloadTooLarge,
        detail: `more than ${ingest.maxPayloadBytes} bytes`,
      });
    }
    if (err.statusCode && err.statusCode < 500) return refuse(reply, err.statusCode, { error: err.message });
    throw err;
  });

  scope.post<{ Params: { kind: string; station: string } }>(
    '/v1/readings/:kind/:station',
    async (request, reply) => {
      const { kind, station } = request.params;
      const credentials = basicCredentials(request.headers.authorization);
      if (!credentials || !ingest.knows(credentials[0])) {
        metrics.httpRefused.inc({ reason: 'unauthenticated' });
        return refuse(reply, 401, { error: UNAUTHENTICATED });
      }
      // Its own station only, as the broker's ACL allows on MQTT; judged before any secret is checked.
      const [id, secret] = credentials;
      if (id !== station || !KIND_ID_PATTERN.test(kind) || !STATION_ID_PATTERN.test(station)) {
        metrics.httpRefused.inc({ reason: 'forbidden' });
        return refuse(reply, 403, { error: `${id} may send only its own readings` });
      }
      // Before the secret too: a device guessing (or misconfigured) is slowed like one sending too much.
      if (limiterFor(station).take(now()) !== 'accept') {
        metrics.httpRefused.inc({ reason: 'rate_limited' });
        return refuse(reply, 429, { error: 'too many requests' });
      }
      if (verifying >= MAX_VERIFYING) {
        metrics.httpRefused.inc({ reason: 'busy' });
        return refuse(reply, 503, { error: 'busy checking secrets; retry later' });
      }
      verifying++;
      const device = await ingest.authenticate(id, secret).finally(() => {
        verifying--;
      });
      if (!device) {
        metrics.httpRefused.inc({ reason: 'unauthenticated' });
        return refuse(reply, 401, { error: UNAUTHENTICATED });
      }
      if (device.kind !== kind) {
        metrics.httpRefused.inc({ reason: 'forbidden' });
        return refuse(reply, 403, { error: `${id} may send only to /v1/readings/${device.kind}/${id}` });
      }
      const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      const result = ingest.accept(kind, station, body);
      if (result.status === 'full') {
        metrics.httpRefused.inc({ reason: 'spool_full' });
        return refuse(reply, 503, { error: 'the spool is full: InfluxDB is behind; retry later' });
      }
      if (result.status === 'rejected') return refuse(reply, 400, { ...result.rejection });
      return reply.code(202).send({ stored: result.readings, rejected: result.rejection });
    },
  );
};
