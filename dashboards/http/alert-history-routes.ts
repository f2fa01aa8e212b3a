import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { findKind, STATION_ID_PATTERN } from '../../lib/catalogue/index.ts';
import type { Logger } from '../../lib/log.ts';
import { PUBLIC_ACCESS } from '../auth/permissions.ts';
import {
  type AlertEpisode,
  type AlertPoint,
  type HistoryCursor,
  historyPage,
} from '../core/alert-episodes.ts';
import {
  type AlertHistoryQuery,
  decodeCursor,
  encodeCursor,
  AlertHistoryLimits as Limits,
  RULE_ID_PATTERN,
} from '../core/alert-history-query.ts';
import { CSV_BOM, csvRow } from '../core/csv.ts';
import type { LiveState } from '../core/live-state.ts';
import { wibDateTime } from '../core/wib.ts';
import type { ConsoleMetrics } from '../metrics.ts';
import { outOfScope, visibleTo } from './api-routes.ts';
import { badQuery, Instant } from './audit-routes.ts';
import type { Guards } from './auth-routes.ts';
import { type Problem, problem } from './problem.ts';

// The alert history (issue 14): cleared alerts from InfluxDB's `alerts` measurement, one row per episode,
// filtered by station, rule, kind and period, in pages and as CSV. Staff only, whatever
// CONSOLE_PUBLIC_READ says: who acknowledged and their comment are not for the public.

export type AlertPointReader = (
  query: AlertHistoryQuery,
) => Promise<{ points: AlertPoint[]; skipped: number }>;

export type AlertHistoryDeps = {
  state: LiveState;
  metrics: ConsoleMetrics;
  log: Logger;
  now: () => number;
  /** undefined: no InfluxDB to read (503). */
  alertPoints: AlertPointReader | undefined;
};

const Filters = {
  station: z.string().regex(STATION_ID_PATTERN, 'a station id').optional(),
  rule: z.string().regex(RULE_ID_PATTERN, 'a rule id').optional(),
  kind: z
    .string()
    .refine((k) => findKind(k) !== undefined, 'a kind of the catalogue')
    .optional(),
  from: Instant.optional(),
  to: Instant.optional(),
};
const PageQuerySchema = z.strictObject({
  ...Filters,
  limit: z.coerce.number().int().min(1).max(Limits.maxRows).default(Limits.defaultRows),
  cursor: z.string().max(400).optional(),
});
const CsvQuerySchema = z.strictObject({
  ...Filters,
  limit: z.coerce.number().int().min(1).max(Limits.maxCsvRows).default(Limits.maxCsvRows),
});

type Filter = { station?: string | undefined; rule?: string | undefined; kind?: string | undefined };
type Request = Filter & { from: number; to: number };

const DAYS = Limits.maxRangeMs / 86_400_000;

/** The period asked for, or why it is refused: `to` defaults to now, `from` to a week before `to`. */
function period(
  q: { from?: number | undefined; to?: number | undefined },
  now: number,
): { problem: Problem } | { from: number; to: number } {
  const to = q.to ?? now;
  const from = q.from ?? to - Limits.defaultRangeMs;
  if (!Number.isSafeInteger(from) || !Number.isSafeInteger(to))
    return { problem: problem('error.bad_time', { field: 'from/to' }) };
  if (from >= to) return { problem: problem('error.history.order') };
  if (to - from > Limits.maxRangeMs) return { problem: problem('error.history.too_long', { days: DAYS }) };
  return { from, to };
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
function rowView(e: AlertEpisode) {
  return {
    ...e,
    raised_at: iso(e.raised_at),
    acknowledged_at: iso(e.acknowledged_at),
    escalated_at: iso(e.escalated_at),
    cleared_at: iso(e.cleared_at),
  };
}

const CSV_COLUMNS = [
  'id',
  'kind',
  'station',
  'rule',
  'severity',
  'raised_at_wib',
  'acknowledged_at_wib',
  'acknowledged_by',
  'comment',
  'escalated_at_wib',
  'cleared_at_wib',
  'duration_s',
  'raised_value',
  'cleared_value',
  'limit',
  'unit',
  'averaging',
  'standard',
  'message',
];
const wib = (ms: number | null) => (ms === null ? '' : wibDateTime(ms));
const csvLine = (e: AlertEpisode) =>
  csvRow([
    e.id,
    e.kind,
    e.station,
    e.rule,
    e.severity,
    wib(e.raised_at),
    wib(e.acknowledged_at),
    e.acknowledged_by,
    e.comment,
    wib(e.escalated_at),
    wib(e.cleared_at),
    e.duration_s,
    e.raised_value,
    e.cleared_value,
    e.limit,
    e.unit,
    e.averaging,
    e.standard,
    e.message,
  ]);

export function registerAlertHistoryRoutes(
  app: FastifyInstance,
  deps: AlertHistoryDeps,
  guard: Guards,
): void {
  const staff = { preHandler: guard.view('read') };
  const refuse = (reply: FastifyReply, error: Problem) => {
    deps.metrics.alertHistory.inc({ result: 'refused' });
    return reply.code(400).send(error);
  };

  /**
   * The asker's scope as query restrictions, or undefined after a 403 (a station or kind asked for
   * outside it). `stations: []` means nothing is visible.
   */
  function scoped(req: FastifyRequest, reply: FastifyReply, f: Filter) {
    const scope = (req.principal?.access ?? PUBLIC_ACCESS).scope;
    const visible = visibleTo(req);
    if (f.station) {
      const known = deps.state.station(f.station, deps.now());
      if (outOfScope(req, reply, deps.state.ref(f.station, known?.kind ?? f.kind ?? ''), deps)) return;
    }
    if (f.kind && scope.kinds && !scope.kinds.includes(f.kind)) {
      deps.metrics.forbidden.inc({ permission: 'scope' });
      reply.code(403).send(problem('error.kind_outside_scope'));
      return;
    }
    const stations = scope.operators && deps.state.stations(deps.now(), visible).map((s) => s.id);
    return { visible, kinds: scope.kinds, stations };
  }

  /** One page: a statement, its points kept to the asker's scope once more, folded into rows. */
  async function page(
    read: AlertPointReader,
    r: Request,
    s: NonNullable<ReturnType<typeof scoped>>,
    limit: number,
    after: HistoryCursor | undefined,
  ) {
    if (s.stations?.length === 0) return { rows: [], next: null };
    const to = after ? Math.min(r.to, after.t + 1) : r.to;
    if (to <= r.from) return { rows: [], next: null };
    const cap = Limits.pointCap;
    const query = { ...r, to, scopeKinds: s.kinds, scopeStations: s.stations, cap };
    const { points, skipped } = await read(query);
    if (skipped) deps.log.debug({ skipped }, 'alert history: points without alert names or state skipped');
    const visible = s.visible;
    const mine = visible ? points.filter((p) => visible(deps.state.ref(p.station, p.kind))) : points;
    const oldest = points.length >= cap ? points.at(-1)?.time : undefined;
    return historyPage(mine, limit, after, oldest);
  }

  async function answer(reply: FastifyReply, work: () => Promise<unknown>) {
    try {
      const body = await work();
      deps.metrics.alertHistory.inc({ result: 'ok' });
      return body;
    } catch (err) {
      deps.metrics.alertHistory.inc({ result: 'error' });
      deps.log.warn({ err: (err as Error).message }, 'alert history query failed');
      return reply.code(502).send(problem('error.history.query_failed'));
    }
  }

  app.get('/api/alerts/history', staff, async (req, reply) => {
    const query = PageQuerySchema.safeParse(req.query);
    if (!query.success) return refuse(reply, badQuery(query.error));
    const { limit, cursor: cursorText, from: _f, to: _t, ...filter } = query.data;
    const when = period(query.data, deps.now());
    if ('problem' in when) return refuse(reply, when.problem);
    const cursor = cursorText === undefined ? undefined : decodeCursor(cursorText);
    if (cursorText !== undefined && !cursor) return refuse(reply, problem('error.history.bad_cursor'));
    const read = deps.alertPoints;
    if (!read) return reply.code(503).send(problem('error.history.not_configured'));
    const s = scoped(req, reply, filter);
    if (!s) return;
    return answer(reply, async () => {
      const p = await page(read, { ...filter, ...when }, s, limit, cursor);
      return {
        from: iso(when.from),
        to: iso(when.to),
        rows: p.rows.map(rowView),
        next_cursor: p.next && encodeCursor(p.next),
      };
    });
  });

  app.get('/api/alerts/history.csv', staff, async (req, reply) => {
    const query = CsvQuerySchema.safeParse(req.query);
    if (!query.success) return refuse(reply, badQuery(query.error));
    const { limit, from: _f, to: _t, ...filter } = query.data;
    const when = period(query.data, deps.now());
    if ('problem' in when) return refuse(reply, when.problem);
    const read = deps.alertPoints;
    if (!read) return reply.code(503).send(problem('error.history.not_configured'));
    const s = scoped(req, reply, filter);
    if (!s) return;
    // Pages are gathered before the answer starts, so a failing InfluxDB is a 502, not a cut-off file.
    return answer(reply, async () => {
      const lines = [`${CSV_BOM}${csvRow(CSV_COLUMNS)}`];
      let after: HistoryCursor | undefined;
      let rows = 0;
      while (rows < limit) {
        const p = await page(read, { ...filter, ...when }, s, Math.min(Limits.maxRows, limit - rows), after);
        for (const e of p.rows) lines.push(csvLine(e));
        rows += p.rows.length;
        // A cursor that does not move would loop: only a point cap filled by one millisecond does that.
        if (!p.next || (after && p.next.t === after.t && p.next.id === after.id)) break;
        after = p.next;
      }
      const day = wibDateTime(deps.now()).slice(0, 10);
      reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="alert-history-${day}.csv"`);
      return Readable.from(lines);
    });
  });
}
