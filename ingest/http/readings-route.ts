import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { Reasons } from '../core/reasons.ts';
import type { IngestMetrics } from '../metrics.ts';
import { createDeviceGate, type DeviceAuth, RETRY_AFTER_S } from './device-gate.ts';

type Rejection = { reason: string; detail: string };

/** What the route answers with once a device is authenticated: the ingest's decode-and-spool step. */
export type AcceptResult =
  | { status: 'stored'; readings: number; rejection: Rejection | undefined }
  | { status: 'rejected'; rejection: Rejection | undefined }
  | { status: 'full' };

export type HttpIngest = {
  /** Devices' secrets, checked as the broker checks them (device-auth.ts). */
  auth: DeviceAuth;
  /** Decodes, spools and forwards one payload, as a message on `sensors/<kind>/<station>` would be. */
  accept(kind: string, station: string, payload: Buffer): AcceptResult;
  maxPayloadBytes: number;
  limits: { requestsPerSecond: number; burst: number };
};

const UNAUTHENTICATED = 'a registered device id and its secret are required (HTTP Basic)';
const REFUSAL_BODIES: Record<number, string> = {
  401: UNAUTHENTICATED,
  429: 'too many requests',
  503: 'busy checking secrets; retry later',
};

function refuse(
  reply: FastifyReply,
  code: number,
  body: Record<string, unknown>,
  retryAfterS = RETRY_AFTER_S,
) {
  if (code === 401) reply.header('www-authenticate', 'Basic realm="ingest", charset="UTF-8"');
  if (code === 429 || code === 503) reply.header('retry-after', String(retryAfterS));
  return reply.code(code).send(body);
}

type ReadingsRequest = FastifyRequest<{ Params: { kind: string; station: string } }>;

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
  const admit = createDeviceGate({ auth: ingest.auth, limits: ingest.limits, now });

  // Before the body is read (fastify parses it after onRequest): a request that is not a verified
  // device's costs no upload, and what it sent is never counted as a device's reject.
  scope.addHook('onRequest', async (request: ReadingsRequest, reply) => {
    const { kind, station } = request.params;
    const admission = await admit(request.ip, station, request.headers.authorization);
    if (!admission.ok) {
      metrics.httpRefused.inc({ reason: admission.reason });
      const error = REFUSAL_BODIES[admission.status] ?? 'refused';
      return refuse(reply, admission.status, { error }, admission.retryAfterS);
    }
    const { device } = admission;
    if (device.kind !== kind) {
      // Only now, to a caller that proved it is this device, is its kind told.
      metrics.httpRefused.inc({ reason: 'forbidden' });
      return refuse(reply, 403, {
        error: `${device.id} may send only to /v1/readings/${device.kind}/${device.id}`,
      });
    }
  });

  // The decoder wants the bytes as sent, whatever the content type (JSON, SenML+JSON, none at all).
  scope.removeAllContentTypeParsers();
  scope.addContentTypeParser(
    '*',
    { parseAs: 'buffer', bodyLimit: ingest.maxPayloadBytes },
    (_req, body, done) => done(null, body),
  );
  scope.setErrorHandler((err: Error & { statusCode?: number; code?: string }, _request, reply) => {
    // Only a verified device's body is ever read, so this is that device's reject.
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
    // Reached only by a verified device on its own path (the hook above).
    async (request, reply) => {
      const { kind, station } = request.params;
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
