import {
  ACCOUNT_NAME,
  type Access,
  checkAccess,
  type Language,
  Languages,
  type Role,
  type Scope,
} from '../../lib/records/access.ts';
import type { AuditAction, AuditVia } from '../../lib/records/audit.ts';
import type { Records } from '../../lib/records/database.ts';
import type { TokenRecord } from '../../lib/records/tokens.ts';
import type { UserRecord } from '../../lib/records/users.ts';
import { hashSecret, type ScryptCost } from '../../lib/registry/secrets.ts';
import { newToken } from './users.ts';

// Adding, changing and removing users and tokens, for the users CLI and the admin API alike: the same
// checks, one transaction per change with its audit row, and a refusal (never a half change) on bad input.

export type Actor = { name: string; via: AuditVia; address?: string };
export type Refusal = { ok: false; status: 400 | 404 | 409; problem: string };
export type Outcome<T> = { ok: true; value: T } | Refusal;

/** Scope lists as asked: undefined = keep (or none, when adding), null = no restriction, array = these. */
type ScopeInput = { operators?: readonly string[] | null; kinds?: readonly string[] | null };
export type UserInput = ScopeInput & {
  username: string;
  password: string;
  roles: readonly string[];
  language?: string;
};
export type UserPatch = ScopeInput & { password?: string; roles?: readonly string[]; language?: string };
export type TokenInput = ScopeInput & { name: string; roles: readonly string[] };
export type TokenPatch = ScopeInput & { roles?: readonly string[] };

export type UserView = {
  username: string;
  roles: Role[];
  scope: Scope;
  language: Language;
  created_at: number;
  updated_at: number;
};
export type TokenView = { name: string; roles: Role[]; scope: Scope; created_at: number; updated_at: number };

/** What may be shown and audited of a record: never a hash. */
export const userView = (u: UserRecord): UserView => ({
  username: u.username,
  roles: u.roles,
  scope: u.scope,
  language: u.language,
  created_at: u.created_at,
  updated_at: u.updated_at,
});
export const tokenView = (t: TokenRecord): TokenView => ({
  name: t.name,
  roles: t.roles,
  scope: t.scope,
  created_at: t.created_at,
  updated_at: t.updated_at,
});
const audited = ({ created_at: _c, updated_at: _u, ...rest }: UserView | TokenView) => rest;

const refuse = (status: Refusal['status'], problem: string): Refusal => ({ ok: false, status, problem });

export type UserAdminOptions = {
  /** Operator names of the registry, read when a scope is checked; undefined when there is no registry. */
  knownOperators: () => Promise<ReadonlySet<string> | undefined>;
  cost?: ScryptCost;
  now?: () => number;
};

export class UserAdmin {
  readonly #records: Records;
  readonly #options: UserAdminOptions;

  constructor(records: Records, options: UserAdminOptions) {
    this.#records = records;
    this.#options = options;
  }

  listUsers(): UserView[] {
    return this.#records.users.list().map(userView);
  }

  listTokens(): TokenView[] {
    return this.#records.tokens.list().map(tokenView);
  }

  async addUser(input: UserInput, actor: Actor): Promise<Outcome<UserView>> {
    if (!ACCOUNT_NAME.test(input.username)) return refuse(400, badName(input.username));
    const access = await this.#access(input, {});
    if (!access.ok) return access;
    const problem = passwordProblem(input.password) ?? languageProblem(input.language);
    if (problem) return refuse(400, problem);
    const password_hash = await hashSecret(input.password, this.#options.cost);
    return this.#change(() => {
      const user = this.#records.users.insert(
        { username: input.username, password_hash, ...access.value, language: input.language as Language },
        this.#now(),
      );
      if (!user) return refuse(409, `user '${input.username}' exists`);
      this.#audit(actor, 'user_added', user.username, undefined, audited(userView(user)));
      return { ok: true, value: userView(user) };
    });
  }

  async changeUser(username: string, patch: UserPatch, actor: Actor): Promise<Outcome<UserView>> {
    const current = this.#records.users.get(username);
    if (!current) return refuse(404, `no user '${username}'`);
    const touchesAccess =
      patch.roles !== undefined || patch.operators !== undefined || patch.kinds !== undefined;
    const access = touchesAccess
      ? await this.#access({ ...patch, roles: patch.roles ?? current.roles }, current.scope)
      : undefined;
    if (access && !access.ok) return access;
    const problem =
      (patch.password !== undefined ? passwordProblem(patch.password) : undefined) ??
      languageProblem(patch.language);
    if (problem) return refuse(400, problem);
    const password_hash =
      patch.password !== undefined ? await hashSecret(patch.password, this.#options.cost) : undefined;
    return this.#change(() => {
      const before = this.#records.users.get(username);
      if (!before) return refuse(404, `no user '${username}'`);
      const after = this.#records.users.update(
        username,
        { ...access?.value, password_hash, language: patch.language as Language | undefined },
        this.#now(),
      );
      if (!after) return refuse(404, `no user '${username}'`);
      if (before.roles.includes('admin') && !after.roles.includes('admin') && this.#admins() === 0)
        throw new LastAdmin(username);
      const changed = password_hash ? { password_changed: true } : {};
      this.#audit(actor, 'user_changed', username, audited(userView(before)), {
        ...audited(userView(after)),
        ...changed,
      });
      return { ok: true, value: userView(after) };
    });
  }

  removeUser(username: string, actor: Actor): Outcome<UserView> {
    return this.#change(() => {
      const before = this.#records.users.get(username);
      if (!before || !this.#records.users.remove(username)) return refuse(404, `no user '${username}'`);
      if (before.roles.includes('admin') && this.#admins() === 0) throw new LastAdmin(username);
      this.#audit(actor, 'user_removed', username, audited(userView(before)), undefined);
      return { ok: true, value: userView(before) };
    });
  }

  /** The new token is in `token`, to show once. */
  async addToken(input: TokenInput, actor: Actor): Promise<Outcome<TokenView & { token: string }>> {
    if (!ACCOUNT_NAME.test(input.name)) return refuse(400, badName(input.name));
    const access = await this.#access(input, {});
    if (!access.ok) return access;
    const { token, token_hash } = newToken();
    return this.#change(() => {
      const record = this.#records.tokens.insert(
        { name: input.name, token_hash, ...access.value },
        this.#now(),
      );
      if (!record) return refuse(409, `token '${input.name}' exists`);
      this.#audit(actor, 'token_added', record.name, undefined, audited(tokenView(record)));
      return { ok: true, value: { ...tokenView(record), token } };
    });
  }

  async changeToken(name: string, patch: TokenPatch, actor: Actor): Promise<Outcome<TokenView>> {
    const current = this.#records.tokens.get(name);
    if (!current) return refuse(404, `no token '${name}'`);
    const access = await this.#access({ ...patch, roles: patch.roles ?? current.roles }, current.scope);
    if (!access.ok) return access;
    return this.#change(() => {
      const before = this.#records.tokens.get(name);
      const after = before && this.#records.tokens.update(name, access.value, this.#now());
      if (!before || !after) return refuse(404, `no token '${name}'`);
      this.#audit(actor, 'token_changed', name, audited(tokenView(before)), audited(tokenView(after)));
      return { ok: true, value: tokenView(after) };
    });
  }

  removeToken(name: string, actor: Actor): Outcome<TokenView> {
    return this.#change(() => {
      const before = this.#records.tokens.get(name);
      if (!before || !this.#records.tokens.remove(name)) return refuse(404, `no token '${name}'`);
      this.#audit(actor, 'token_removed', name, audited(tokenView(before)), undefined);
      return { ok: true, value: tokenView(before) };
    });
  }

  /** Roles and scope as they will be: `keep` supplies the lists the input leaves undefined. */
  async #access(input: ScopeInput & { roles: readonly string[] }, keep: Scope): Promise<Outcome<Access>> {
    const operators = input.operators === undefined ? keep.operators : input.operators;
    const kinds = input.kinds === undefined ? keep.kinds : input.kinds;
    const known = operators ? await this.#options.knownOperators() : undefined;
    const checked = checkAccess({ roles: input.roles, operators, kinds }, known);
    return checked.ok ? { ok: true, value: checked.access } : refuse(400, checked.problem);
  }

  #change<T>(work: () => Outcome<T>): Outcome<T> {
    try {
      // A refusal found inside the transaction rolls it back too: nothing of the change is kept.
      return this.#records.transaction(() => {
        const outcome = work();
        if (!outcome.ok) throw new Refused(outcome);
        return outcome;
      });
    } catch (err) {
      if (err instanceof Refused) return err.refusal;
      if (err instanceof LastAdmin)
        return refuse(409, `'${err.username}' is the last admin: make another user admin first`);
      throw err;
    }
  }

  #admins(): number {
    return this.#records.users.list().filter((u) => u.roles.includes('admin')).length;
  }

  #audit(actor: Actor, action: AuditAction, target: string, before: unknown, after: unknown): void {
    this.#records.audit.append({
      at: this.#now(),
      actor: actor.name,
      via: actor.via,
      action,
      target,
      before,
      after,
      address: actor.address,
    });
  }

  #now(): number {
    return (this.#options.now ?? Date.now)();
  }
}

class Refused extends Error {
  readonly refusal: Refusal;
  constructor(refusal: Refusal) {
    super(refusal.problem);
    this.refusal = refusal;
  }
}

class LastAdmin extends Error {
  readonly username: string;
  constructor(username: string) {
    super('last admin');
    this.username = username;
  }
}

function badName(name: string): string {
  return `'${name.slice(0, 64)}' is not a valid name (lower-case letters, digits, ".", "_", "-"; starting with a letter)`;
}

function passwordProblem(password: string): string | undefined {
  if (password.length < 10) return 'passwords need at least 10 characters';
  if (password.length > 1024) return 'passwords have at most 1024 characters';
  return undefined;
}

function languageProblem(language: string | undefined): string | undefined {
  if (language === undefined || (Languages as readonly string[]).includes(language)) return undefined;
  return `unknown language '${language}' (languages: ${Languages.join(', ')})`;
}
