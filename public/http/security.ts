import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * The console's headers (no inline script can run, no sniffing, no framing), with one difference: a
 * configured tile server may serve the map's images. Answers are `no-store` unless a route says it may
 * be cached (the open-data API does).
 */
export function securityHeaders(tileUrl: string | undefined) {
  const tiles = tileUrl ? ` ${new URL(tileUrl.replace(/\{[a-z]\}/g, 'a')).origin}` : '';
  const csp = [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    `img-src 'self' data: blob:${tiles}`,
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
  const headers: Record<string, string> = {
    'content-security-policy': csp,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'x-frame-options': 'DENY',
    'cache-control': 'no-store',
  };
  return async (_req: FastifyRequest, reply: FastifyReply): Promise<void> => {
    reply.headers(headers);
  };
}
