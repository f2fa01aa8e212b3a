import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Logger } from '../../lib/log.ts';
import type { ConcurrencyGate } from '../auth/gate.ts';
import type { LoginLimiter } from '../auth/login-limiter.ts';
import type { ConsoleMetrics } from '../metrics.ts';
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
  log: Logger;
  now: () => number;
};

/** Guards: reads may be public (CONSOLE_PUBLIC_READ); every state change needs a principal. */
export function guards(deps: AuthDeps, publicRead: boolean) {
  // A logged-in reader is identified even when reads are public: live streams are limited per login.
  const readApi = async (req: FastifyRequest, reply: FastifyReply) => {
    const principal = await principalOf(req, deps);
    if (principal) req.principal = principal;
    if (publicRead || principal) return;
    reply.code(401).header('www-authenticate', 'Bearer').send({ error: 'login required' });
  };
  const readPage = async (req: FastifyRequest, reply: FastifyReply) => {
    if (publicRead || (await principalOf(req, deps))) return;
    reply.redirect('/login', 303);
  };
  const write = async (req: FastifyRequest, reply: FastifyReply) => {
    const principal = await principalOf(req, deps);
    if (!principal) {
      reply.code(401).header('www-authenticate', 'Bearer').send({ error: 'login required' });
      return;
    }
    const reason = principal.via === 'session' ? crossSiteReason(req) : undefined;
    if (reason) {
      reply.code(403).send({ error: `refused: ${reason}` });
      return;
    }
    req.principal = principal;
  };
  return { readApi, readPage, write };
}

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
  }
}

export function registerAuthRoutes(app: FastifyInstance, deps: AuthRouteDeps): void {
  let warnedForwarded = false;

  app.post('/api/login', async (req, reply) => {
    const reason = crossSiteReason(req);
    if (reason) return reply.code(403).send({ error: `refused: ${reason}` });
    const body = LoginSchema.safeParse(req.body);
    if (!body.success) return reply.code(400).send({ error: 'username and password are required' });
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
      return reply.code(429).send({ error: 'too many failed logins; try again later' });
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
      return reply.code(503).send({ error: 'too many logins at once; try again in a second' });
    }
    const stamp = checked.value;
    if (stamp === undefined) {
      attempt.fail();
      deps.metrics.logins.inc({ result: 'failed' });
      // The user name is logged (audit), the password never is. The limiter bounds how often this runs.
      deps.log.info({ username, ip: req.ip }, 'console login failed');
      return reply.code(401).send({ error: 'wrong user name or password' });
    }
    attempt.succeed();
    deps.metrics.logins.inc({ result: 'ok' });
    deps.log.info({ username, ip: req.ip }, 'console login');
    const token = deps.sessions.create(username, stamp);
    reply.header('set-cookie', sessionCookie(deps, token, Math.floor(deps.sessionTtlMs / 1000)));
    return { username };
  });

  app.post('/api/logout', async (req, reply) => {
    const reason = crossSiteReason(req);
    if (reason) return reply.code(403).send({ error: `refused: ${reason}` });
    const cookie = readCookie(req.headers.cookie, cookieName(deps.secureCookie));
    // Ending the session also closes its open live streams (SessionStore listeners).
    if (cookie) deps.sessions.delete(cookie);
    reply.header('set-cookie', sessionCookie(deps, '', 0));
    return reply.code(204).send();
  });

  app.get('/api/me', async (req, reply) => {
    const principal = await principalOf(req, deps);
    if (!principal) return reply.code(401).send({ error: 'not logged in' });
    return { username: principal.name, via: principal.via };
  });
}
