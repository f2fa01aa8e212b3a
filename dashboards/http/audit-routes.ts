import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AuditFilter, AuditRow } from '../../lib/records/audit.ts';
import type { Records } from '../../lib/records/database.ts';
import { CSV_BOM, csvRow } from '../core/csv.ts';
import type { Guards } from './auth-routes.ts';
import { problem } from './problem.ts';

// The audit log for admins (issue 14): a page of JSON with filters and a cursor, and the same filters
// as a CSV download.

const BAD_TIME = 'error.bad_time';

/** Epoch ms, or an ISO 8601 date or time (`2026-12-01`, `2026-12-01T08:00:00+07:00`). */
export const Instant = z
  .string()
  .max(40)
  .transform((text, ctx) => {
    const ms = /^\d{1,15}$/.test(text) ? Number(text) : Date.parse(text);
    if (Number.isFinite(ms)) return ms;
    ctx.addIssue({ code: 'custom', message: BAD_TIME });
    return z.NEVER;
  });
const Filter = z.string().min(1).max(128);

const AuditQuerySchema = z.strictObject({
  user: Filter.optional(),
  action: Filter.optional(),
  target: Filter.optional(),
  from: Instant.optional(),
  to: Instant.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  cursor: z.coerce.number().int().positive().optional(),
});
const AuditCsvQuerySchema = AuditQuerySchema.omit({ limit: true, cursor: true }).extend({
  limit: z.coerce.number().int().min(1).max(100_000).default(10_000),
});

const WIB_OFFSET_MS = 7 * 3_600_000;
/** Depok local time (WIB, UTC+7, no daylight saving) as a spreadsheet reads it: `2026-12-01 15:04:05`. */
function wib(ms: number): string {
  return new Date(ms + WIB_OFFSET_MS).toISOString().slice(0, 19).replace('T', ' ');
}

function entryView(row: AuditRow) {
  return { ...row, at: new Date(row.at).toISOString() };
}

/** The first problem of a query, by the parameter it concerns: a time, or any other bad value. */
export function badQuery(error: z.ZodError) {
  const issue = error.issues[0];
  const unknown = issue?.code === 'unrecognized_keys' ? issue.keys.join(', ') : undefined;
  const field = issue?.path.join('.') || unknown || 'query';
  return problem(issue?.message === BAD_TIME ? BAD_TIME : 'error.bad_query', { field });
}

const CSV_COLUMNS = [
  'id',
  'time_utc',
  'time_wib',
  'actor',
  'via',
  'action',
  'target',
  'before',
  'after',
  'address',
];

export function registerAuditRoutes(app: FastifyInstance, records: Records, guard: Guards): void {
  const view = { preHandler: guard.view('administer') };

  app.get('/api/admin/audit', view, async (req, reply) => {
    const query = AuditQuerySchema.safeParse(req.query);
    if (!query.success) return reply.code(400).send(badQuery(query.error));
    const { limit, ...filter } = query.data;
    const page = records.audit.page(filter satisfies AuditFilter, limit);
    return {
      entries: page.entries.map(entryView),
      next_cursor: page.next === undefined ? null : String(page.next),
    };
  });

  app.get('/api/admin/audit.csv', view, async (req, reply) => {
    const query = AuditCsvQuerySchema.safeParse(req.query);
    if (!query.success) return reply.code(400).send(badQuery(query.error));
    const { limit, ...filter } = query.data;
    const rows = records.audit.rows(filter, limit);
    // Rows are read as the client takes them, not gathered in memory first.
    function* lines() {
      yield `${CSV_BOM}${csvRow(CSV_COLUMNS)}`;
      for (const r of rows)
        yield csvRow([
          r.id,
          new Date(r.at).toISOString(),
          wib(r.at),
          r.actor,
          r.via,
          r.action,
          r.target,
          r.before,
          r.after,
          r.address,
        ]);
    }
    const day = wib(Date.now()).slice(0, 10);
    reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="audit-${day}.csv"`);
    return reply.send(Readable.from(lines()));
  });
}
