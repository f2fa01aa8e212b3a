import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { toCsv } from '../core/csv.ts';

export type Format = 'json' | 'csv';

/** `?format=` wins; else `Accept: text/csv` asks for CSV; JSON by default. Undefined: a format we lack. */
export function formatOf(req: FastifyRequest): Format | undefined {
  const asked = (req.query as Record<string, unknown>).format;
  if (asked !== undefined) return asked === 'csv' || asked === 'json' ? asked : undefined;
  return /\btext\/csv\b/i.test(req.headers.accept ?? '') ? 'csv' : 'json';
}

/** An answer's body in both formats, with its ETag: built once, sent many times (latest values, ISPU). */
export type Rendered = { json: Buffer; csv: Buffer; etag: { json: string; csv: string } };

const etagOf = (body: Buffer) => `W/"${createHash('sha1').update(body).digest('base64url').slice(0, 22)}"`;

export function render(
  rows: readonly Record<string, unknown>[],
  extra: Record<string, unknown> = {},
  columns?: readonly string[],
): Rendered {
  const json = Buffer.from(JSON.stringify({ ...extra, data: rows }));
  const csv = Buffer.from(toCsv(rows, columns));
  return { json, csv, etag: { json: etagOf(json), csv: etagOf(csv) } };
}

/**
 * Sends a rendered answer: a weak ETag from the content (`If-None-Match` -> 304), cacheable by anyone
 * for `maxAgeS`, open to every origin for reading (no credentials are ever involved).
 */
export function sendRendered(
  req: FastifyRequest,
  reply: FastifyReply,
  rendered: Rendered,
  format: Format,
  maxAgeS: number,
) {
  const etag = rendered.etag[format];
  reply.header('etag', etag);
  reply.header('cache-control', `public, max-age=${maxAgeS}`);
  reply.header('vary', 'accept');
  const match = req.headers['if-none-match'];
  if (match?.split(',').some((t) => t.trim() === etag || t.trim() === '*'))
    return reply.code(304).send();
  return reply
    .type(format === 'csv' ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8')
    .send(rendered[format]);
}
