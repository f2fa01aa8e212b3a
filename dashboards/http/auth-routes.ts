import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Logger } from '../../lib/log.ts';
import { DEFAULT_LANGUAGE } from '../../lib/records/access.ts';
import type { AuditRecorder } from '../auth/audit-log.ts';
import type { ConcurrencyGate } from '../auth/gate.ts';
import type { LoginLimiter } from '../auth/login-limiter.ts';
import { allows, type Permission, Permissions } from '../auth/permissions.ts';
import type { ConsoleMetrics } from '../metrics.ts';
import { problem } from './problem.ts';
import {
  type AuthDeps,
  cookieName,
  crossSiteReason,
  type Principal,
  principalOf,
  readCookie,
  sessionCookie,
} from './security.ts';

const LoginSchema = z.strictObject({
  username: z.string().min(1).max(64),
  password: z.string().min(1).max(1024),
});

export type AuthRouteDeps = AuthDeps & {
  limiter: LoginLimiter;
  /** Bounds concurrent password checks (scrypt). */
  gate: ConcurrencyGate;
  /** Whether fastify takes the client address from X-Forwarded-For (CONSOLE_TRUST_PROXY). */
  trustProxy: boolean;
  metrics: ConsoleMetrics;
  audit: AuditRecorder;
  log: Logger;
  now: () => number;
};

/**
 * Guards. Reads may be public (CONSOLE_PUBLIC_READ); every state change needs a principal whose roles
 * allow it (403 otherwise), and cookie-authenticated changes pass the CSRF check. `onForbidden` counts
 * refusals by permission.
 */
export function guards(deps: AuthDeps, publicRead: boolean, onForbidden: (p: Permission) => void = () => {}) {
  const unauthorized = (reply: FastifyReply) =>
    reply.code(401).header('www-authenticate', 'Bearer').send(problem('error.login_required'));
  const forbidden = (reply: FastifyReply, permission: Permission) => {
    onForbidden(permission);
    reply.code(403).send(problem('error.forbidden', { roles: Permissions[permission].join(' | ') }));
  };
  // A logged-in reader is identified even when reads are public: live streams are limited per login.
  const readApi = async (req: FastifyRequest, reply: FastifyReply) => {
    const principal = await principalOf(req, deps);
    if (principal) req.principal = principal;
    if (principal && !allows(principal.access, 'read')) return forbidden(reply, 'read');
    if (publicRead || principal) return;
    unauthorized(reply);
  };
  const readPage = async (req: FastifyRequest, reply: FastifyReply) => {
    if (publicRead || (await principalOf(req, deps))) return;
    reply.redirect('/login', 303);
  };
  /** A page or a read-only API that needs a permission beyond reading (the admin views). */
  const view =
    (permission: Permission, page = false) =>
    async (req: FastifyRequest, reply: FastifyReply) => {
      const principal = await principalOf(req, deps);
      if (!principal) return page ? reply.redirect('/login', 303) : unauthorized(reply);
      if (!allows(principal.access, permission)) return forbidden(reply, permission);
      req.principal = principal;
    };
  const write = (permission: Permission) => async (req: FastifyRequest, reply: FastifyReply) => {
    const principal = await principalOf(req, deps);
    if (!principal) return unauthorized(reply);
    const reason = principal.via === 'session' ? crossSiteReason(req) : undefined;
    if (reason) return reply.code(403).send(problem(reason));
    if (!allows(principal.access, permission)) return forbidden(reply, permission);
    req.principal = principal;
  };
  return { readApi, readPage, view, write };
}

export type Guards = ReturnType<typeof guards>;

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
  }
}

export function registerAuthRoutes(app: FastifyInstance, deps: AuthRouteDeps): void {
  let warnedForwarded = false;

  app.post('/api/login', async (req, reply) => {
    const reason = crossSiteReason(req);
    if (reason) return reply.code(403).send(problem(reason));
    const body = LoginSchema.safeParse(req.body);
    if (!body.success) return reply.code(400).send(problem('error.login_body'));
    const { username, password } = body.data;
    if (!deps.trustProxy && !warnedForwarded && req.headers['x-forwarded-for'] !== undefined) {
      warnedForwarded = true;
      deps.log.warn(
        { ip: req.ip },
        'logins arrive through a proxy but CONSOLE_TRUST_PROXY is off: all its clients share one address limit',
      );
    }

    // Counted before scrypt runs, so concurrent guesses beyond the limit never reach it.
    const attempt = deps.limiter.reserve(username, req.ip, deps.now());
    if (!attempt.ok) {
      deps.metrics.logins.inc({ result: 'limited' });
      reply.header('retry-after', String(attempt.retryAfterS));
      return reply.code(429).send(problem('error.login_limited'));
    }
    const checked = await deps.gate
      .run(() => deps.users.login(username, password))
      .catch((err) => {
        attempt.release();
        throw err;
      });
    if (checked.busy) {
      attempt.release();
      deps.metrics.logins.inc({ result: 'busy' });
      reply.header('retry-after', '1');
      return reply.code(503).send(problem('error.login_busy'));
    }
    const stamp = checked.value;
    if (stamp === undefined) {
      attempt.fail();
      deps.metrics.logins.inc({ result: 'failed' });
      // The user name is logged (audit), the password never is. The limiter bounds how often this runs.
      deps.log.info({ username, ip: req.ip }, 'console login failed');
      deps.audit({
        actor: username,
        via: 'session',
        action: 'login_failed',
        target: username,
        address: req.ip,
      });
      return reply.code(401).send(problem('error.login_failed'));
    }
    attempt.succeed();
    deps.metrics.logins.inc({ result: 'ok' });
    deps.log.info({ username, ip: req.ip }, 'console login');
    deps.audit({ actor: username, via: 'session', action: 'login', target: username, address: req.ip });
    const token = deps.sessions.create(username, stamp);
    reply.header('set-cookie', sessionCookie(deps, token, Math.floor(deps.sessionTtlMs / 1000)));
    return { username };
  });

  app.post('/api/logout', async (req, reply) => {
    const reason = crossSiteReason(req);
    if (reason) return reply.code(403).send(problem(reason));
    const cookie = readCookie(req.headers.cookie, cookieName(deps.secureCookie));
    const session = cookie ? deps.sessions.get(cookie) : undefined;
    // Ending the session also closes its open live streams (SessionStore listeners).
    if (cookie) deps.sessions.delete(cookie);
    if (session)
      deps.audit({
        actor: session.username,
        via: 'session',
        action: 'logout',
        target: session.username,
        address: req.ip,
      });
    reply.header('set-cookie', sessionCookie(deps, '', 0));
    return reply.code(204).send();
  });

  app.get('/api/me', async (req, reply) => {
    const principal = await principalOf(req, deps);
    if (!principal) return reply.code(401).send(problem('error.not_logged_in'));
    // The language preference is for the console's catalogues; tokens have none (the default).
    const language = principal.via === 'session' ? deps.users.user(principal.name)?.language : undefined;
    return {
      username: principal.name,
      via: principal.via,
      ...principal.access,
      language: language ?? DEFAULT_LANGUAGE,
    };
  });
}
