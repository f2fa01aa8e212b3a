import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Logger } from '../lib/log.ts';
import type { Records } from '../lib/records/database.ts';
import type { ScryptCost } from '../lib/registry/secrets.ts';
import type { ReportGenerator } from '../lib/reports/run.ts';
import { UNITS_BROWSER_MODULE } from '../lib/units/index.ts';
import { auditRecorder } from './auth/audit-log.ts';
import { ConcurrencyGate } from './auth/gate.ts';
import { LoginLimiter, type LoginLimitOptions } from './auth/login-limiter.ts';
import type { SessionStore } from './auth/sessions.ts';
import { UserAdmin } from './auth/user-admin.ts';
import type { UserDirectory } from './auth/users.ts';
import type { LiveState } from './core/live-state.ts';
import { registerAdminRoutes } from './http/admin-routes.ts';
import { type AlertPointReader, registerAlertHistoryRoutes } from './http/alert-history-routes.ts';
import { type ApiDeps, registerApiRoutes, visibleTo } from './http/api-routes.ts';
import { registerAuditRoutes } from './http/audit-routes.ts';
import { guards, registerAuthRoutes } from './http/auth-routes.ts';
import { registerCitizenRoutes } from './http/citizen-routes.ts';
import { type EventHub, openEventStream } from './http/events.ts';
import { registerI18nRoutes, requestLanguage } from './http/i18n-routes.ts';
import { problem } from './http/problem.ts';
import { registerQaRoutes } from './http/qa-routes.ts';
import { registerReportRoutes } from './http/report-routes.ts';
import { securityHeaders, sessionKey } from './http/security.ts';
import { type Asset, loadAssets } from './http/static.ts';
import type { ConsoleMetrics } from './metrics.ts';
import type { PointSource } from './qa/influx-points.ts';

export type ConsoleDeps = Omit<ApiDeps, 'now' | 'audit'> & {
  state: LiveState;
  hub: EventHub;
  /** The records database: users, tokens and the audit log (lib/records). */
  records: Records;
  /** Raw values in InfluxDB for the QA views and decisions (qa/influx-points.ts); undefined: they answer 503. */
  points?: PointSource;
  /** Logins, over `records` (tests inject a counting password check). */
  users: UserDirectory;
  /** Operator names of the registry, to check scopes given through the admin API; undefined: no registry. */
  knownOperators?: () => Promise<ReadonlySet<string> | undefined>;
  /** scrypt cost of passwords set through the admin API (tests make it cheap). */
  scryptCost?: ScryptCost;
  /** Alert transitions from InfluxDB for the alert history; undefined: the history answers 503. */
  alertPoints?: AlertPointReader;
  sessions: SessionStore;
  /** Stored report runs (REPORTS_DIR) and "generate now"; undefined `reports`: generating answers 503. */
  reportsDir?: string;
  reports?: ReportGenerator;
  metrics: ConsoleMetrics;
  isConnected: () => boolean;
  publicRead: boolean;
  secureCookie: boolean;
  sessionTtlMs: number;
  maxSseClients: number;
  /** Live streams one login (session or token) may hold; anonymous public readers count per address. */
  maxSsePerPrincipal: number;
  /**
   * fastify's `trustProxy` (CONSOLE_TRUST_PROXY): false takes the socket's address; true, or a list of
   * proxy addresses / CIDRs, takes the client's address from X-Forwarded-For.
   */
  trustProxy: boolean | string;
  log: Logger;
  /** Login failure limits and the password-check gate (defaults in auth/); tests pass their own. */
  loginLimits?: LoginLimitOptions;
  passwordChecks?: { concurrency: number; queue: number };
  sse?: { revalidateMs?: number; maxBufferedBytes?: number; heartbeatMs?: number };
  now?: () => number;
  assets?: Map<string, Asset>;
};

/** The console's HTTP face, built without listening (tests call inject()). */
export async function buildApp(deps: ConsoleDeps): Promise<FastifyInstance> {
  const app = Fastify({ logger: false, bodyLimit: 16 * 1024, trustProxy: deps.trustProxy });
  const now = deps.now ?? Date.now;
  const assets = deps.assets ?? loadAssets();
  const auth = {
    sessions: deps.sessions,
    users: deps.users,
    secureCookie: deps.secureCookie,
    sessionTtlMs: deps.sessionTtlMs,
  };
  const guard = guards(auth, deps.publicRead, (permission) => deps.metrics.forbidden.inc({ permission }));
  const audit = auditRecorder(deps.records, now, deps.log, () => deps.metrics.auditFailures.inc());
  const admin = new UserAdmin(deps.records, {
    knownOperators: deps.knownOperators ?? (async () => undefined),
    cost: deps.scryptCost,
    now,
  });
  app.addHook('onRequest', securityHeaders);

  app.get('/healthz', async (_req, reply) => {
    const mqtt = deps.isConnected();
    reply.code(mqtt ? 200 : 503);
    return { status: mqtt ? 'ok' : 'degraded', mqtt };
  });
  app.get('/metrics', async (_req, reply) => {
    reply.type(deps.metrics.registry.contentType);
    return deps.metrics.registry.metrics();
  });

  // A page in the viewer's language (i18n-routes.ts `requestLanguage`); other files as they are.
  const send = (name: string) => async (req: FastifyRequest, reply: FastifyReply) => {
    const asset = assets.get(name);
    if (!asset) return reply.code(404).send(problem('error.not_found'));
    if (!asset.pages) return reply.type(asset.type).send(asset.body);
    const page = asset.pages.get(await requestLanguage(req, auth)) ?? asset.body;
    return reply.type(asset.type).header('vary', 'accept-language, cookie').send(page);
  };
  app.get('/', { preHandler: guard.readPage }, send('index.html'));
  app.get('/admin', { preHandler: guard.view('administer', true) }, send('admin.html'));
  app.get('/history', { preHandler: guard.view('read', true) }, send('history.html'));
  app.get('/qa', { preHandler: guard.readPage }, send('qa.html'));
  app.get('/reports', { preHandler: guard.view('read', true) }, send('reports.html'));
  app.get('/citizen', { preHandler: guard.view('read', true) }, send('citizen.html'));
  app.get('/login', send('login.html'));
  app.get<{ Params: { name: string } }>('/assets/:name', (req, reply) => {
    if (req.params.name.endsWith('.html')) return reply.code(404).send(problem('error.not_found'));
    return send(req.params.name)(req, reply);
  });
  app.get(UNITS_BROWSER_MODULE.path, send(UNITS_BROWSER_MODULE.path.slice(1)));
  registerI18nRoutes(app, { auth, admin, assets }, guard);

  registerAuthRoutes(app, {
    ...auth,
    limiter: new LoginLimiter(deps.loginLimits),
    gate: new ConcurrencyGate(deps.passwordChecks?.concurrency, deps.passwordChecks?.queue),
    trustProxy: deps.trustProxy !== false,
    metrics: deps.metrics,
    audit,
    log: deps.log,
    now,
  });
  registerApiRoutes(app, { ...deps, audit, now }, guard);
  registerAdminRoutes(app, admin, guard);
  registerAuditRoutes(app, deps.records, guard);
  registerAlertHistoryRoutes(app, { ...deps, now, alertPoints: deps.alertPoints }, guard);
  registerQaRoutes(app, { ...deps, points: deps.points, now }, guard);
  const reports = { reportsDir: deps.reportsDir ?? 'state/reports', generator: deps.reports };
  registerReportRoutes(app, { ...deps, ...reports, audit, now }, guard);
  registerCitizenRoutes(app, { ...deps, audit, now }, guard);

  const stream = openEventStream(app, {
    hub: deps.hub,
    maxClients: deps.maxSseClients,
    maxPerOwner: deps.maxSsePerPrincipal,
    ...deps.sse,
    onOwnerEnded: (listener) => deps.sessions.onEnd((id) => listener(sessionKey(id))),
    onClientsChanged: (count) => deps.metrics.sseClients.set(count),
    onDropped: (reason) => deps.metrics.sseDropped.inc({ reason }),
    onRefused: (limit) => deps.metrics.sseRefused.inc({ limit }),
    log: deps.log,
  });
  app.get('/api/events', { preHandler: guard.readApi }, async (req, reply) => {
    // Filtered per connection: a scoped principal's socket never carries another station's event.
    const visible = visibleTo(req);
    stream(reply, req.principal ?? { key: `address:${req.ip}` }, {
      snapshot: () => deps.state.snapshot(now(), visible),
      accepts: visible && ((change) => deps.state.changeVisible(change, visible)),
    });
  });

  app.setErrorHandler((err: Error & { statusCode?: number }, request, reply) => {
    if (err.statusCode && err.statusCode < 500)
      return reply.code(err.statusCode).send({ error: err.message });
    deps.log.error({ err, url: request.url }, 'http error');
    return reply.code(500).send(problem('error.internal'));
  });
  return app;
}
