import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Access } from '../../lib/records/access.ts';
import type { SessionStore } from '../auth/sessions.ts';
import type { UserDirectory } from '../auth/users.ts';

/**
 * Who is asking, and with which roles and scope (as of this request). `key` names one login (a session
 * or an API token) for per-login limits; `valid()` says whether it still holds: false after logout,
 * expiry, or any change to the password, roles or scope of the user or token (its stamp), read from the
 * records database at each call.
 */
export type Principal = {
  name: string;
  via: 'session' | 'token';
  key: string;
  valid: () => boolean;
  access: Access;
};

export type AuthDeps = {
  sessions: SessionStore;
  users: UserDirectory;
  secureCookie: boolean;
  sessionTtlMs: number;
};

// A Secure cookie can use the __Host- prefix: the browser then refuses it from a sub-domain or without TLS.
export function cookieName(secure: boolean): string {
  return secure ? '__Host-console_session' : 'console_session';
}

export function sessionCookie(deps: AuthDeps, value: string, maxAgeS: number): string {
  const parts = [
    `${cookieName(deps.secureCookie)}=${value}`,
    'Path=/',
    'HttpOnly',
    'SameSite=Strict',
    `Max-Age=${maxAgeS}`,
  ];
  if (deps.secureCookie) parts.push('Secure');
  return parts.join('; ');
}

export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** Who sent the request: a session cookie or an `Authorization: Bearer` API token. */
export async function principalOf(req: FastifyRequest, deps: AuthDeps): Promise<Principal | undefined> {
  const { users, sessions } = deps;
  const auth = req.headers.authorization;
  if (auth?.startsWith('Bearer ')) {
    const token = users.tokenPrincipal(auth.slice(7).trim());
    if (!token) return undefined;
    const valid = () => users.tokenStamp(token.name) === token.stamp;
    return { name: token.name, via: 'token', key: `token:${token.name}`, valid, access: token.access };
  }
  const cookie = readCookie(req.headers.cookie, cookieName(deps.secureCookie));
  const session = cookie ? sessions.get(cookie) : undefined;
  if (!cookie || !session) return undefined;
  const user = users.user(session.username);
  const valid = () =>
    sessions.byId(session.id) !== undefined && users.userStamp(session.username) === session.stamp;
  if (!user || user.stamp !== session.stamp || !valid()) {
    // Removed, or password, roles or scope changed since login: the session ends for good (and its streams).
    sessions.delete(cookie);
    return undefined;
  }
  const access = { roles: user.roles, scope: user.scope };
  return { name: session.username, via: 'session', key: sessionKey(session.id), valid, access };
}

export function sessionKey(id: string): string {
  return `session:${id}`;
}

/**
 * CSRF defence for cookie-authenticated state changes (the reason is an `error.refused_*` catalogue key), on top of SameSite=Strict: the body must be JSON
 * (a cross-site form cannot send that without a CORS preflight, which we never grant), and a browser's
 * Origin / Sec-Fetch-Site headers, when present, must say same origin. Bearer requests carry no ambient
 * credential and skip this.
 */
export function crossSiteReason(req: FastifyRequest): string | undefined {
  const type = req.headers['content-type'] ?? '';
  if (!type.toLowerCase().startsWith('application/json')) return 'error.refused_content_type';
  const site = req.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin' && site !== 'none') return 'error.refused_cross_site';
  const origin = req.headers.origin;
  if (origin !== undefined) {
    try {
      // Through URL on both sides, so a default port (":80") compares equal to none.
      const from = new URL(origin);
      if (from.host !== new URL(`${from.protocol}//${req.headers.host ?? ''}`).host)
        return 'error.refused_cross_origin';
    } catch {
      return 'error.refused_bad_origin';
    }
  }
  return undefined;
}

const CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** Defence in depth behind escaping: no inline script can run even if some markup slipped through. */
export const SECURITY_HEADERS: Record<string, string> = {
  'content-security-policy': CSP,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cache-control': 'no-store',
};

export async function securityHeaders(_req: FastifyRequest, reply: FastifyReply): Promise<void> {
  reply.headers(SECURITY_HEADERS);
}
