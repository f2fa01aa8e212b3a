import { createHash, randomBytes } from 'node:crypto';

/**
 * `stamp` identifies the version of the user's record the session was opened against (UserDirectory
 * `userStamp`): a removed user, a new password or any other edit of the record changes it, and the
 * session stops working on the next request (issue 12, item 4: sessions outlived their user by 8 h).
 */
export type Session = { id: string; username: string; stamp: string; expiresAt: number };

/**
 * In-memory sessions keyed by the SHA-256 of the cookie value (a memory dump holds no usable cookie).
 * A session lasts the TTL from login, like its cookie's Max-Age. A restart logs everyone out, on purpose.
 * Listeners hear of every session that ends by logout or refusal, so its live streams close at once.
 */
export class SessionStore {
  readonly #sessions = new Map<string, Session>();
  readonly #ended = new Set<(id: string) => void>();
  readonly #ttlMs: number;

  constructor(ttlMs: number) {
    this.#ttlMs = ttlMs;
  }

  create(username: string, stamp: string, now = Date.now()): string {
    const token = randomBytes(32).toString('base64url');
    const id = digest(token);
    this.#sessions.set(id, { id, username, stamp, expiresAt: now + this.#ttlMs });
    if (this.#sessions.size > 10_000) this.prune(now);
    return token;
  }

  get(token: string, now = Date.now()): Session | undefined {
    return this.byId(digest(token), now);
  }

  /** By the stored id (the cookie's digest), for checks that do not hold the cookie. */
  byId(id: string, now = Date.now()): Session | undefined {
    const session = this.#sessions.get(id);
    if (!session) return undefined;
    if (session.expiresAt <= now) {
      this.#end(id);
      return undefined;
    }
    return session;
  }

  delete(token: string): void {
    this.#end(digest(token));
  }

  onEnd(listener: (id: string) => void): () => void {
    this.#ended.add(listener);
    return () => this.#ended.delete(listener);
  }

  prune(now = Date.now()): void {
    for (const [id, s] of this.#sessions) if (s.expiresAt <= now) this.#end(id);
  }

  #end(id: string): void {
    if (!this.#sessions.delete(id)) return;
    for (const listener of this.#ended) listener(id);
  }
}

function digest(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}
