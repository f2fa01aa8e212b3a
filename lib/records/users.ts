import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { DEFAULT_LANGUAGE, type Language, Languages, type Role, type Scope } from './access.ts';
import { accessColumns, defined, newStamp, rolesOf, scopeOf } from './rows.ts';

export type UserRecord = {
  username: string;
  /** scrypt, in the broker's format (lib/registry/secrets.ts); never leaves the server. */
  password_hash: string;
  roles: Role[];
  scope: Scope;
  language: Language;
  /** Renewed on every change of password, roles or scope (not of the language). */
  stamp: string;
  created_at: number;
  updated_at: number;
};

export type NewUser = Pick<UserRecord, 'username' | 'password_hash' | 'roles' | 'scope'> & {
  language?: Language;
};
export type UserChange = Partial<Pick<UserRecord, 'password_hash' | 'roles' | 'scope' | 'language'>>;

type Row = {
  username: string;
  password_hash: string;
  roles: string;
  operators: string | null;
  kinds: string | null;
  language: string;
  stamp: string;
  created_at: number;
  updated_at: number;
};

function fromRow(row: Row): UserRecord {
  const language = (Languages as readonly string[]).includes(row.language) ? row.language : DEFAULT_LANGUAGE;
  return {
    username: row.username,
    password_hash: row.password_hash,
    roles: rolesOf(row.roles),
    scope: scopeOf(row),
    language: language as Language,
    stamp: row.stamp,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

/** The `users` table. Synchronous (node:sqlite): a lookup by name costs microseconds. */
export class UserRepo {
  readonly #get: StatementSync;
  readonly #stamp: StatementSync;
  readonly #list: StatementSync;
  readonly #insert: StatementSync;
  readonly #update: StatementSync;
  readonly #remove: StatementSync;
  readonly #count: StatementSync;

  constructor(db: DatabaseSync) {
    this.#get = db.prepare('SELECT * FROM users WHERE username = ?');
    this.#stamp = db.prepare('SELECT stamp FROM users WHERE username = ?');
    this.#list = db.prepare('SELECT * FROM users ORDER BY username');
    this.#insert = db.prepare(
      `INSERT INTO users (username, password_hash, roles, operators, kinds, language, stamp, created_at, updated_at)
       VALUES (:username, :password_hash, :roles, :operators, :kinds, :language, :stamp, :now, :now)
       ON CONFLICT (username) DO NOTHING`,
    );
    this.#update = db.prepare(
      `UPDATE users SET password_hash = :password_hash, roles = :roles, operators = :operators, kinds = :kinds,
       language = :language, stamp = :stamp, updated_at = :now WHERE username = :username`,
    );
    this.#remove = db.prepare('DELETE FROM users WHERE username = ?');
    this.#count = db.prepare('SELECT count(*) AS n FROM users');
  }

  get(username: string): UserRecord | undefined {
    const row = this.#get.get(username) as Row | undefined;
    return row && fromRow(row);
  }

  /** The user's current stamp; undefined once removed. */
  stamp(username: string): string | undefined {
    return (this.#stamp.get(username) as { stamp: string } | undefined)?.stamp;
  }

  list(): UserRecord[] {
    return (this.#list.all() as Row[]).map(fromRow);
  }

  /** Adds the user; undefined when the name is taken (nothing changed). */
  insert(user: NewUser, now = Date.now()): UserRecord | undefined {
    const result = this.#insert.run({
      username: user.username,
      password_hash: user.password_hash,
      ...accessColumns(user.roles, user.scope),
      language: user.language ?? DEFAULT_LANGUAGE,
      stamp: newStamp(),
      now,
    });
    return result.changes === 1 ? this.get(user.username) : undefined;
  }

  /** Applies the change; undefined when there is no such user. */
  update(username: string, change: UserChange, now = Date.now()): UserRecord | undefined {
    const before = this.get(username);
    if (!before) return undefined;
    // Only what the change names: an undefined entry keeps the current value.
    const after = { ...before, ...defined(change) };
    const security =
      change.password_hash !== undefined || change.roles !== undefined || change.scope !== undefined;
    this.#update.run({
      username,
      password_hash: after.password_hash,
      ...accessColumns(after.roles, after.scope),
      language: after.language,
      stamp: security ? newStamp() : before.stamp,
      now,
    });
    return this.get(username);
  }

  remove(username: string): boolean {
    return this.#remove.run(username).changes === 1;
  }

  count(): number {
    return (this.#count.get() as { n: number }).n;
  }
}
