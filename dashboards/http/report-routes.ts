import { readFile } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { STATION_ID_PATTERN } from '../../lib/catalogue/index.ts';
import { DEFAULT_LANGUAGE, Languages } from '../../lib/records/access.ts';
import type { Records } from '../../lib/records/database.ts';
import type { MailDelivery } from '../../lib/records/report-mail.ts';
import type { ReportRun } from '../../lib/records/report-runs.ts';
import { REPORT_FORMATS, REPORT_TYPES, type ReportFormat } from '../../lib/reports/model.ts';
import { type ReportGenerator, sha256Hex, startRun } from '../../lib/reports/run.ts';
import { type AuditRecorder, actorOf } from '../auth/audit-log.ts';
import type { LiveState } from '../core/live-state.ts';
import { scopeFilter } from '../core/scope.ts';
import type { ConsoleMetrics } from '../metrics.ts';
import type { Guards } from './auth-routes.ts';
import { problem } from './problem.ts';

// Report runs in the console (issue 16): the list of the runs a user may see, downloads checked
// against their stored SHA-256, and "generate now". Every role reads and downloads within its scope;
// generating costs CPU and InfluxDB reads, so it needs a role that works with the data (permission
// `report`), and one user has one generation running at a time.

export type ReportRouteDeps = {
  records: Records;
  state: LiveState;
  /** Where runs are stored (REPORTS_DIR: the reports service writes there too). */
  reportsDir: string;
  /** lib/reports' checks and generation; undefined: "generate now" answers 503 (downloads still work). */
  generator: ReportGenerator | undefined;
  audit: AuditRecorder;
  metrics: ConsoleMetrics;
  now: () => number;
};

const CONTENT_TYPES: Record<string, string> = {
  pdf: 'application/pdf',
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

/** `YYYY-MM-DD` or `YYYY-MM`, a real calendar date (lib/reports/request.ts checks it against the type). */
const PERIOD = /^\d{4}-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?$/;

const GenerateSchema = z.strictObject({
  type: z.enum(REPORT_TYPES),
  period: z.string().regex(PERIOD),
  stations: z.array(z.string().regex(STATION_ID_PATTERN)).max(100).default([]),
  formats: z.array(z.enum(REPORT_FORMATS)).min(1).max(3).default(['pdf', 'csv', 'xlsx']),
  lang: z.enum(Languages).default(DEFAULT_LANGUAGE),
});

const ListSchema = z.object({
  cursor: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

type FileParams = { Params: { id: string; format: string } };

/**
 * What the console shows of a run: its files with their download address (none once retention pruned
 * them: the checksums stay), and the e-mail delivery of a scheduled run, recipients left out.
 */
function runView(run: ReportRun, mail?: MailDelivery) {
  return {
    ...run,
    files: run.files.map((f) => ({
      format: f.format,
      name: f.path.split('/').at(-1) ?? f.path,
      bytes: f.bytes,
      sha256: f.sha256,
      url: run.pruned_at === null ? `/api/reports/${run.id}/files/${f.format}` : null,
    })),
    mail: mail
      ? { status: mail.status, attempts: mail.attempts, next_attempt_at: mail.next_attempt_at }
      : null,
  };
}

export function registerReportRoutes(app: FastifyInstance, deps: ReportRouteDeps, guard: Guards): void {
  const root = resolve(deps.reportsDir);
  const read = { preHandler: guard.view('read') };
  const generate = { preHandler: guard.write('report') };

  /**
   * Whether the asker may see a run: every station it covers in their scope. A run that covers no
   * station yet (asked for "all my stations", still running or failed) is its requester's, and any
   * unscoped user's. A station the registry no longer knows is outside every scope.
   */
  /**
   * Whether the asker may see a run: every station it covers in their scope. A run that covers no
   * station yet (asked for "all my stations", still running or failed) is its requester's, and any
   * unscoped user's. A station the registry no longer knows is outside every scope.
   */
  const maySee = (req: FastifyRequest, run: ReportRun): boolean => {
    const access = req.principal?.access;
    if (!access) return false;
    const visible = scopeFilter(access.scope);
    if (!visible) return true;
    if (run.stations.length === 0) return run.requested_by === req.principal?.name;
    return run.stations.every((id) => {
      const station = deps.state.station(id, deps.now());
      return station?.registered === true && visible(station);
    });
  };

  const refuse = (reply: FastifyReply, status: number, code: string, params?: Record<string, string>) => {
    if (status === 403) deps.metrics.forbidden.inc({ permission: 'scope' });
    return reply.code(status).type('application/problem+json').send(problem(code, params));
  };

  app.get('/api/reports', read, async (req, reply) => {
    const query = ListSchema.safeParse(req.query);
    if (!query.success) return refuse(reply, 400, 'error.report.bad_query');
    // Filtered after the page is read: a scoped user's page may hold fewer rows; `next` still pages on.
    const page = deps.records.reportRuns.list(query.data);
    const next = page.length === query.data.limit ? page.at(-1)?.id : undefined;
    const runs = page.filter((run) => maySee(req, run));
    const mail = deps.records.reportMail.ofRuns(runs.map((run) => run.id));
    return { runs: runs.map((run) => runView(run, mail.get(run.id))), next };
  });

  app.get<FileParams>('/api/reports/:id/files/:format', read, async (req, reply) => {
    const id = /^\d{1,12}$/.test(req.params.id) ? Number(req.params.id) : -1;
    const run = deps.records.reportRuns.get(id);
    const file = run?.files.find((f) => f.format === req.params.format);
    if (!run || !file) return refuse(reply, 404, 'error.report.unknown_file');
    if (!maySee(req, run)) return refuse(reply, 403, 'error.outside_scope');
    // Retention deleted it on purpose (REPORTS_RETENTION_DAYS): gone, and the list says so.
    if (run.pruned_at !== null) return refuse(reply, 410, 'error.report.pruned', { file: file.path });
    const path = resolve(join(root, file.path));
    // The stored path is checked by the database (no `..`, not absolute); checked again here.
    if (!path.startsWith(root + sep)) return refuse(reply, 404, 'error.report.unknown_file');
    let bytes: Buffer;
    try {
      bytes = await readFile(path);
    } catch {
      return refuse(reply, 410, 'error.report.file_gone', { file: file.path });
    }
    if (sha256Hex(bytes) !== file.sha256) {
      deps.audit({
        ...auditOf(req),
        action: 'report_downloaded',
        target: `report/${run.id}`,
        after: { format: file.format, refused: 'checksum' },
      });
      return refuse(reply, 409, 'error.report.checksum', { file: file.path });
    }
    deps.audit({
      ...auditOf(req),
      action: 'report_downloaded',
      target: `report/${run.id}`,
      after: { format: file.format, sha256: file.sha256 },
    });
    const name = file.path.split('/').at(-1) ?? 'report';
    return reply
      .type(CONTENT_TYPES[file.format] ?? 'application/octet-stream')
      .header('content-disposition', `attachment; filename="${name}"`)
      .header('x-content-sha256', file.sha256)
      .header('cache-control', 'private, no-store')
      .send(bytes);
  });

  app.post('/api/reports', generate, async (req, reply) => {
    const generator = deps.generator;
    if (!generator) return refuse(reply, 503, 'error.report.unavailable');
    const body = GenerateSchema.safeParse(req.body ?? {});
    if (!body.success) {
      const issue = body.error.issues[0];
      return refuse(reply, 400, 'error.report.bad_request', { field: issue?.path.join('.') || 'body' });
    }
    const principal = req.principal;
    if (!principal) return refuse(reply, 401, 'error.login_required');
    const visible = scopeFilter(principal.access.scope);
    for (const id of body.data.stations) {
      const station = deps.state.station(id, deps.now());
      // Outside the scope is 403 whether or not it exists (a scoped user learns nothing of others').
      if (visible && !(station?.registered && visible(station)))
        return refuse(reply, 403, 'error.outside_scope');
      if (!station?.registered) return refuse(reply, 400, 'error.report.unknown_station', { station: id });
    }
    if (deps.records.reportRuns.running(principal.name).length > 0) {
      reply.header('retry-after', '10');
      return refuse(reply, 429, 'error.report.busy');
    }
    const { formats, ...request } = body.data;
    // The generator's own checks (kind of each station, period not in the future, formats installed).
    const refusal = await generator.check(request, formats, principal.access.scope);
    if (refusal) {
      const status = refusal.key === 'report_request.station_scope' ? 403 : 400;
      return refuse(reply, status, refusal.key, refusal.params);
    }
    const who = {
      name: principal.name,
      via: principal.via === 'token' ? 'api' : 'console',
      scope: principal.access.scope,
    } as const;
    const { id, finished } = startRun(request, formats as ReportFormat[], who, {
      records: deps.records,
      dir: root,
      generate: generator.generate,
      now: deps.now,
    });
    deps.audit({ ...auditOf(req), action: 'report_generated', target: `report/${id}`, after: body.data });
    pending.add(finished);
    void finished.finally(() => pending.delete(finished));
    return reply.code(202).send({ run: runView(deps.records.reportRuns.get(id) as ReportRun) });
  });

  // Runs still generating finish before the console closes (their rows end done or failed).
  const pending = new Set<Promise<ReportRun>>();
  app.addHook('onClose', async () => {
    await Promise.all(pending);
  });
}

function auditOf(req: FastifyRequest) {
  const actor = actorOf(req);
  return { actor: actor.name, via: actor.via, address: actor.address };
}
