import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { periodStart } from '../../lib/aggregate/index.ts';
import { findKind } from '../../lib/catalogue/index.ts';
import type { PublicDeps } from '../app.ts';
import {
  type Averaging,
  alignedFrom,
  MAX_SPAN_DAYS,
  measurementRows,
  pageEnd,
} from '../core/measurements.ts';
import { timeRange } from '../core/time-range.ts';
import { type Rendered, render } from './answer.ts';
import { API_PREFIX } from './openapi.ts';
import { problemFor } from './problem.ts';
import { Params, querySchema } from './schemas.ts';

type Query = {
  station: string;
  field: string;
  from?: string;
  to?: string;
  averaging: Averaging;
  limit: number;
  cursor?: string;
  format?: string;
  lang?: string;
};

type Deps = PublicDeps & {
  now: () => number;
  send: (req: FastifyRequest, reply: FastifyReply, rendered: Rendered, maxAgeS?: number) => unknown;
  fromStore: <T>(req: FastifyRequest, reply: FastifyReply, work: () => Promise<T>) => Promise<T | undefined>;
};

/**
 * The cursor is opaque to clients: the next page's start and the query it belongs to, so a cursor
 * pasted onto another query is refused rather than silently misread.
 */
type Cursor = { f: number; k: string };
const queryKey = (q: Query, from: number, to: number) =>
  `${q.station}|${q.field}|${q.averaging}|${from}|${to}|${q.limit}`;
const encodeCursor = (c: Cursor) => Buffer.from(JSON.stringify(c)).toString('base64url');
function decodeCursor(text: string): Cursor | undefined {
  try {
    const c = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as Cursor;
    return Number.isSafeInteger(c.f) && typeof c.k === 'string' ? c : undefined;
  } catch {
    return undefined;
  }
}

/** `GET /open/v1/measurements`: one station and field, raw or hourly / daily means, paged by a cursor. */
export function registerMeasurementRoutes(app: FastifyInstance, deps: Deps): void {
  const { station, field, from, to, averaging, limit, cursor, format, lang } = Params;
  const schema = {
    querystring: querySchema([station, field, from, to, averaging, limit, cursor, format, lang]),
  };
  app.get<{ Querystring: Query }>(`${API_PREFIX}/measurements`, { schema }, async (req, reply) => {
    const q = req.query;
    const s = deps.stations().find((x) => x.id === q.station);
    if (!s) return reply.code(404).send(problemFor(req, 'open.error.no_station'));
    const parameter = s.parameters.find((p) => p.field === q.field);
    if (!parameter)
      return reply.code(400).send(
        problemFor(req, 'open.error.bad_field', {
          field: q.field,
          fields: s.parameters.map((p) => p.field).join(', '),
        }),
      );
    const range = timeRange(q, deps.now(), MAX_SPAN_DAYS[q.averaging]);
    if ('problem' in range) {
      const params = 'params' in range ? { ...range.params, averaging: q.averaging } : undefined;
      return reply.code(400).send(problemFor(req, range.problem, params));
    }
    const start = alignedFrom(q.averaging, range.from);
    const key = queryKey(q, start, range.to);
    let pageFrom = start;
    if (q.cursor !== undefined) {
      const c = decodeCursor(q.cursor);
      if (!c || c.k !== key || c.f < start || c.f >= range.to)
        return reply.code(400).send(problemFor(req, 'open.error.bad_cursor'));
      pageFrom = c.f;
    }
    const intervalS = findKind(s.kind)?.expectedIntervalS ?? 60;
    const pageTo = pageEnd(q.averaging, pageFrom, range.to, q.limit, intervalS);
    // Raw values carry the capture of their hour: the whole hour is read, the rows start at pageFrom.
    const readFrom = q.averaging === 'raw' ? periodStart('hour', pageFrom) : pageFrom;
    const points = await deps.fromStore(req, reply, () =>
      deps.data.series(s.kind, s.id, q.field, readFrom, pageTo),
    );
    if (!points) return reply;
    const query = { station: s.id, field: q.field, unit: parameter.unit, intervalS, averaging: q.averaging };
    let rows = measurementRows(
      { ...query, from: pageFrom, to: pageTo },
      points,
      deps.decisions([s.id], pageFrom, pageTo),
    );
    let nextFrom = pageTo < range.to ? pageTo : undefined;
    if (rows.length > q.limit) {
      nextFrom = Date.parse((rows[q.limit] as { time: string }).time);
      rows = rows.slice(0, q.limit);
    }
    const next = nextFrom === undefined ? null : nextLink(req, encodeCursor({ f: nextFrom, k: key }));
    const rendered = render(rows, { next });
    // CSV has nowhere else for the next page: a Link header (RFC 8288), in both formats.
    if (next) reply.header('link', `<${next}>; rel="next"`);
    // A page of the past does not change; today's may, so it is cached briefly.
    return deps.send(req, reply, rendered, pageTo < deps.now() - 3_600_000 ? 3600 : deps.cacheTtlS);
  });
}

/** The same request with the cursor of the next page (a path: the client's base URL is its own). */
function nextLink(req: FastifyRequest, cursor: string): string {
  const url = new URL(req.url, 'http://x');
  url.searchParams.set('cursor', cursor);
  return `${url.pathname}?${url.searchParams}`;
}
