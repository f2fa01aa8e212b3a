import type { FastifyRequest } from 'fastify';
import { isLanguage, type Language, negotiateLanguage, translator } from '../../lib/i18n/index.ts';

type Params = Record<string, string | number>;

/**
 * An error answer of the public service: `status`, `code` (the catalogue key, stable for scripts),
 * `error` (the message in the request's language: `?lang=`, else Accept-Language, else Indonesian),
 * and `params` when the message has values.
 */
export type Problem = { status: number; code: string; error: string; params?: Params };

export function requestLanguage(req: FastifyRequest): Language {
  const lang = (req.query as Record<string, unknown> | undefined)?.lang;
  return isLanguage(lang) ? lang : negotiateLanguage(req.headers['accept-language']);
}

const STATUS: Record<string, number> = {
  'open.error.not_found': 404,
  'open.error.no_station': 404,
  'open.error.rate_limited': 429,
  'open.error.internal': 500,
  'open.error.unavailable': 503,
};

export function problemFor(req: FastifyRequest, code: string, params?: Params): Problem {
  const error = translator(requestLanguage(req)).t(code, params);
  const status = STATUS[code] ?? 400;
  return params ? { status, code, error, params } : { status, code, error };
}
