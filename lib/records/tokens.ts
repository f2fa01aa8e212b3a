import type { DatabaseSync, StatementSync } from 'node:sqlite';
import type { Role, Scope } from './access.ts';
import { accessColumns, defined, newStamp, rolesOf, scopeOf } from './rows.ts';

export type TokenRecord = {
  name: string;
  /** `sha256$<hex>` of the token, which is 32 random bytes shown once (no dictionary to attack). */
  token_hash: string;
  roles: Role[];
  scope: Scope;
  stamp: string;
  created_at: number;
  updated_at: number;
};

export type NewToken = Pick<TokenRecord, 'name' | 'token_hash' | 'roles' | 'scope'>;
export type TokenChange = Partial<Pick<TokenRecord, 'token_hash' | 'roles' | 'scope'>>;

type Row = {
  name: string;
  token_hash: string;
  roles: string;
  operators: string | null;
  kinds: string | null;
  stamp: string;
  created_at: number;
  updated_at: number;
};

function fromRow(row: Row): TokenRecord {
  return {
    name: row.name,
    token_hash: row.token_hash,
    roles: rolesOf(row.roles),
    scope: scopeOf(row),
    stamp: row.stamp,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

/** The `tokens` table (API tokens for scripts and wall screens). */
export class TokenRepo {
  readonly #get: StatementSync;
  readonly #byHash: StatementSync;
  readonly #stamp: StatementSync;
  readonly #list: StatementSync;
  readonly #insert: StatementSync;
  readonly #update: StatementSync;
  readonly #remove: StatementSync;

  constructor(db: DatabaseSync) {
    this.#get = db.prepare('SELECT * FROM tokens WHERE name = ?');
    // The digest of a 256-bit random token: an index lookup on it reveals nothing a guess could use.
    this.#byHash = db.prepare('SELECT * FROM tokens WHERE token_hash = ?');
    this.#stamp = db.prepare('SELECT stamp FROM tokens WHERE name = ?');
    this.#list = db.prepare('SELECT * FROM tokens ORDER BY name');
    this.#insert = db.prepare(
      `INSERT INTO tokens (name, token_hash, roles, operators, kinds, stamp, created_at, updated_at)
       VALUES (:name, :token_hash, :roles, :operators, :kinds, :stamp, :now, :now)
       ON CONFLICT (name) DO NOTHING`,
    );
    this.#update = db.prepare(
      `UPDATE tokens SET token_hash = :token_hash, roles = :roles, operators = :operators, kinds = :kinds,
       stamp = :stamp, updated_at = :now WHERE name = :name`,
    );
    this.#remove = db.prepare('DELETE FROM tokens WHERE name = ?');
  }

  get(name: string): TokenRecord | undefined {
    const row = this.#get.get(name) as Row | undefined;
    return row && fromRow(row);
  }

  byHash(tokenHash: string): TokenRecord | undefined {
    const row = this.#byHash.get(tokenHash) as Row | undefined;
    return row && fromRow(row);
  }

  stamp(name: string): string | undefined {
    return (this.#stamp.get(name) as { stamp: string } | undefined)?.stamp;
  }

  list(): TokenRecord[] {
    return (this.#list.all() as Row[]).map(fromRow);
  }

  /** Adds the token; undefined when the name is taken (nothing changed). */
  insert(token: NewToken, now = Date.now()): TokenRecord | undefined {
    const result = this.#insert.run({
      name: token.name,
      token_hash: token.token_hash,
      ...accessColumns(token.roles, token.scope),
      stamp: newStamp(),
      now,
    });
    return result.changes === 1 ? this.get(token.name) : undefined;
  }

  /** Every change is a security change for a token: its stamp is renewed, its open streams end. */
  update(name: string, change: TokenChange, now = Date.now()): TokenRecord | undefined {
    const before = this.get(name);
    if (!before) return undefined;
    // Only what the change names: an undefined entry keeps the current value.
    const after = { ...before, ...defined(change) };
    this.#update.run({
      name,
      token_hash: after.token_hash,
      ...accessColumns(after.roles, after.scope),
      stamp: newStamp(),
      now,
    });
    return this.get(name);
  }

  remove(name: string): boolean {
    return this.#remove.run(name).changes === 1;
  }
}
