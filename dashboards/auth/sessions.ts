import { createHash, randomBytes } from 'node:crypto';

export type Session = { username: string; expiresAt: number };

/**
 * In-memory sessions keyed by the SHA-256 of the cookie value (a memory dump holds no usable cookie).
 * A session lasts the TTL from login, like its cookie's Max-Age. A restart logs everyone out, on purpose.
 */
export class SessionStore {
  readonly #sessions = new Map<string, Session>();
  readonly #ttlMs: number;

  constructor(ttlMs: number) {
    this.#ttlMs = ttlMs;
  }

  create(username: string, now = Date.now()): string {
    const token = randomBytes(32).toString('base64url');
    this.#sessions.set(digest(token), { username, expiresAt: now + this.#ttlMs });
    if (this.#sessions.size > 10_000) this.prune(now);
    return token;
  }

  get(token: string, now = Date.now()): Session | undefined {
    const key = digest(token);
    const session = this.#sessions.get(key);
    if (!session) return undefined;
    if (session.expiresAt <= now) {
      this.#sessions.delete(key);
      return undefined;
    }
    return session;
  }

  delete(token: string): void {
    this.#sessions.delete(digest(token));
  }

  prune(now = Date.now()): void {
    for (const [key, s] of this.#sessions) if (s.expiresAt <= now) this.#sessions.delete(key);
  }
}

function digest(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

/** Login failures per client address: 10 per 15 minutes, then 429 until the window ends. */
export class LoginLimiter {
  readonly #failures = new Map<string, { count: number; resetAt: number }>();
  readonly #max: number;
  readonly #windowMs: number;

  constructor(max = 10, windowMs = 15 * 60_000) {
    this.#max = max;
    this.#windowMs = windowMs;
  }

  blocked(key: string, now = Date.now()): boolean {
    const entry = this.#failures.get(key);
    if (!entry || entry.resetAt <= now) return false;
    return entry.count >= this.#max;
  }

  fail(key: string, now = Date.now()): void {
    const entry = this.#failures.get(key);
    if (!entry || entry.resetAt <= now) this.#failures.set(key, { count: 1, resetAt: now + this.#windowMs });
    else entry.count += 1;
  }

  succeed(key: string): void {
    this.#failures.delete(key);
  }
}
