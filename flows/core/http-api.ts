import { createHash, timingSafeEqual } from 'node:crypto';
import { AckSchema, type Effects, noEffects } from './alert.ts';
import type { Engine } from './engine.ts';

export type ApiRequest = {
  req?: {
    method?: string;
    path?: string;
    params?: Record<string, string>;
    headers?: Record<string, unknown>;
  };
  payload?: unknown;
};
export type ApiResult = { status: number; body: unknown; effects: Effects };

const digest = (s: string) => createHash('sha256').update(s).digest();

/** Bearer token check in constant time (hashing first makes the lengths equal). */
export function authorized(header: unknown, token: string): boolean {
  if (typeof header !== 'string' || !header.startsWith('Bearer ')) return false;
  return timingSafeEqual(digest(header.slice(7).trim()), digest(token));
}

function parseBody(payload: unknown): unknown {
  if (typeof payload === 'string' || Buffer.isBuffer(payload)) {
    try {
      return JSON.parse(payload.toString());
    } catch {
      return undefined;
    }
  }
  return payload;
}

/**
 * The flows' HTTP API (flows/README.md "HTTP API"), also used for acks that arrive over MQTT
 * (`trusted`: the broker already authenticated the operator account).
 *   POST /api/alerts/:kind/:station/:rule/ack  {"by", "comment"?}  -> 200 alert | 404 | 409 | 400
 *   GET  /api/alerts                                               -> 200 [active alerts]
 *   GET  /api/status                                               -> 200 counters (no auth: a health check)
 */
export function handleApi(
  engine: Engine,
  msg: ApiRequest,
  token: string | undefined,
  now: number,
  trusted = false,
): ApiResult {
  const req = msg.req ?? {};
  const fail = (status: number, error: string): ApiResult => ({
    status,
    body: { error },
    effects: noEffects(),
  });
  if (req.method === 'GET' && req.path === '/api/status') {
    return {
      status: 200,
      body: { ...engine.stats, active: engine.activeAlerts().length },
      effects: noEffects(),
    };
  }
  if (!trusted) {
    if (!token) return fail(503, 'the API is off: set FLOWS_API_TOKEN');
    if (!authorized(req.headers?.authorization, token)) return fail(401, 'missing or wrong bearer token');
  }
  if (req.method === 'GET' && req.path === '/api/alerts') {
    return { status: 200, body: engine.activeAlerts(), effects: noEffects() };
  }
  const { kind, station, rule } = req.params ?? {};
  if (req.method !== 'POST' || !kind || !station || !rule) return fail(404, 'no such endpoint');
  const body = AckSchema.safeParse(parseBody(msg.payload));
  if (!body.success) return fail(400, 'body must be {"by": "name", "comment"?: "text"}');
  const result = engine.acknowledge(`${kind}/${station}/${rule}`, body.data, now);
  if (result.status === 'not_found') return fail(404, 'no active alert with this id');
  if (result.status === 'already_acknowledged') {
    return {
      status: 409,
      body: { error: 'already acknowledged', alert: result.alert },
      effects: noEffects(),
    };
  }
  return { status: 200, body: result.alert, effects: result.effects };
}
