import type { FastifyReply, FastifyRequest } from 'fastify';
import { translator } from '../../lib/i18n/index.ts';
import { requestLanguage } from '../http/problem.ts';

type Params = Record<string, string | number>;

/**
 * A refusal of the citizen routes as RFC 9457 problem+json: `status`, `code` (the catalogue key,
 * stable for scripts), `title`/`error` (its message in the request's language) and `params`.
 */
export function refuse(
  req: FastifyRequest,
  reply: FastifyReply,
  status: number,
  code: string,
  params?: Params,
) {
  const text = translator(requestLanguage(req)).t(code, params);
  const body = { type: 'about:blank', status, code, title: text, error: text, ...(params ? { params } : {}) };
  return reply.code(status).type('application/problem+json; charset=utf-8').send(body);
}
