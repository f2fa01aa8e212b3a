import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { EditorLoginLimits } from './editor-login-limits.ts';

/**
 * Express middlewares that settings.cjs gives Node-RED (inside the Node-RED child): security headers
 * on the editor, the admin API and the flows' HTTP routes, and a guard in front of the editor login.
 */
type Request = IncomingMessage & { body?: unknown; _body?: boolean };
type Next = (err?: unknown) => void;
export type Middleware = (req: Request, res: ServerResponse, next: Next) => void;

/**
 * The editor needs inline script: node definitions arrive as HTML with inline <script> that jQuery
 * runs (no nonce is possible there), and the code editor (Monaco) may build workers from blobs. No
 * eval: the editor's own code uses none (checked in Chromium by hardening.integration.test.ts). What
 * the policy stops: being framed, plugins, loading from or sending to another origin, a <base> or a
 * form pointing elsewhere.
 */
export const EDITOR_CSP = [
  "default-src 'self'",
  "script-src 'self' 'unsafe-inline'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "worker-src 'self' blob:",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');
/** The flows' HTTP routes answer JSON: nothing to load, run or frame. */
export const API_CSP = "default-src 'none'; frame-ancestors 'none'";

export function securityHeaders(csp: string): Middleware {
  return (_req, res, next) => {
    res.setHeader('Content-Security-Policy', csp);
    res.setHeader('X-Frame-Options', 'DENY');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
    next();
  };
}

const require = createRequire(import.meta.url);
// Node-RED's own bcrypt implementation (a dependency of node-red), the one its login uses.
const bcrypt = require('bcryptjs') as { compare(s: string, hash: string): Promise<boolean> };

const MAX_BODY = 8 * 1024;
/** Password checks at once (bcrypt is CPU work on the event loop); more wait outside with 503. */
const MAX_CHECKS = 2;
const SUMMARY_EVERY_MS = 10_000;

function reply(res: ServerResponse, status: number, body: object, headers: Record<string, string> = {}) {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(JSON.stringify(body));
}

/** The raw body, or undefined when it exceeds `limit` bytes. */
async function readBody(req: Request, limit: number): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function parseBody(type: string, text: string): Record<string, unknown> | undefined {
  if (type.startsWith('application/x-www-form-urlencoded')) {
    return Object.fromEntries(new URLSearchParams(text));
  }
  if (type.startsWith('application/json')) {
    try {
      const value: unknown = JSON.parse(text || '{}');
      return value && typeof value === 'object' && !Array.isArray(value)
        ? (value as Record<string, unknown>)
        : undefined;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/** A login posted by a page of another origin (or another port of this host) is refused uncounted. */
function crossSite(req: Request): boolean {
  const site = req.headers['sec-fetch-site'];
  if (site === 'cross-site' || site === 'same-site') return true;
  const origin = req.headers.origin;
  if (!origin) return false;
  try {
    return new URL(origin).host !== req.headers.host;
  } catch {
    return true;
  }
}

/** IPv4 clients of a dual-stack listener arrive as ::ffff:a.b.c.d; they count as a.b.c.d. */
function clientAddress(req: Request): string {
  const address = req.socket.remoteAddress ?? 'unknown';
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}

/** Refusals are counted and summed up in one log line per 10 s at most, never one line per attempt. */
function loginReport(print: (line: string) => void) {
  const counts = { wrong: 0, limited: 0, busy: 0, crossSite: 0, malformed: 0 };
  let pending = false;
  return (what: keyof typeof counts) => {
    counts[what] += 1;
    if (pending) return;
    pending = true;
    setTimeout(() => {
      pending = false;
      const parts = Object.entries(counts).filter(([, n]) => n > 0);
      for (const key of Object.keys(counts)) counts[key as keyof typeof counts] = 0;
      print(
        `[warn] [editor-login] refused in the last 10 s: ${parts.map(([k, n]) => `${k} ${n}`).join(', ')}`,
      );
    }, SUMMARY_EVERY_MS).unref();
  };
}

export type LoginGuardOptions = {
  username: string;
  passwordHash: string;
  limits?: EditorLoginLimits;
  now?: () => number;
  print?: (line: string) => void;
};

/**
 * In front of Node-RED's `POST /auth/token`: the password is checked here, after the limits, and only a
 * correct one reaches Node-RED. Node-RED's built-in limit (node_modules/@node-red/editor-api/lib/auth/
 * strategies.js, passwordTokenExchange: more than 5 attempts per user name in 10 minutes, for everyone,
 * and not configurable) therefore never counts a failure and cannot lock the account. Node-RED still
 * checks the password again and issues the token.
 */
export function loginGuard(options: LoginGuardOptions): Middleware {
  const limits = options.limits ?? new EditorLoginLimits();
  const now = options.now ?? Date.now;
  const count = loginReport(options.print ?? ((line) => console.log(line)));
  let checking = 0;
  return (req, res, next) => {
    if (req.method !== 'POST' || req.url?.split('?')[0] !== '/auth/token') return next();
    void (async () => {
      if (crossSite(req)) {
        count('crossSite');
        return reply(res, 403, { error: 'cross_site', error_description: 'login from another origin' });
      }
      const encoding = req.headers['content-encoding'];
      if (encoding && encoding !== 'identity') {
        count('malformed');
        return reply(res, 415, { error: 'invalid_request', error_description: 'encoded body' });
      }
      const text = await readBody(req, MAX_BODY);
      if (text === undefined) {
        count('malformed');
        return reply(res, 413, { error: 'invalid_request', error_description: 'body too large' });
      }
      const body = parseBody(req.headers['content-type'] ?? '', text);
      if (!body) {
        count('malformed');
        return reply(res, 400, { error: 'invalid_request', error_description: 'unreadable body' });
      }
      // Node-RED's body parsers skip a request whose body is already read: it sees exactly this.
      req.body = body;
      req._body = true;
      if (body.grant_type !== 'password') return next();
      const { username, password } = body;
      if (typeof username !== 'string' || typeof password !== 'string' || username.length > 256) {
        count('malformed');
        return reply(res, 400, { error: 'invalid_request', error_description: 'username and password' });
      }
      const attempt = limits.reserve(username, clientAddress(req), now());
      if (!attempt.ok) {
        count('limited');
        return reply(
          res,
          429,
          { error: 'too_many_attempts', error_description: `try again in ${attempt.retryAfterS} s` },
          { 'retry-after': String(attempt.retryAfterS) },
        );
      }
      if (checking >= MAX_CHECKS) {
        attempt.release();
        count('busy');
        return reply(res, 503, { error: 'busy', error_description: 'try again' }, { 'retry-after': '1' });
      }
      checking += 1;
      let ok = false;
      try {
        // An unknown user name costs the same check as a wrong password.
        ok = (await bcrypt.compare(password, options.passwordHash)) && username === options.username;
      } finally {
        checking -= 1;
      }
      if (!ok) {
        attempt.fail();
        count('wrong');
        return reply(res, 403, {
          error: 'invalid_grant',
          error_description: 'Invalid resource owner credentials',
        });
      }
      attempt.succeed();
      next();
    })().catch((err: unknown) => next(err));
  };
}

/** What settings.cjs mounts as httpAdminMiddleware: headers first, then the login guard (with a login). */
export function adminMiddleware(login: LoginGuardOptions | undefined): Middleware[] {
  const headers = securityHeaders(EDITOR_CSP);
  return login ? [headers, loginGuard(login)] : [headers];
}

/** What settings.cjs mounts as httpNodeMiddleware (every `http in` route of the flows). */
export const nodeMiddleware: Middleware = securityHeaders(API_CSP);
