import { randomBytes } from 'node:crypto';
import { isRole, type Role, type Scope } from './access.ts';

// Shared by the users and tokens repositories: roles and scope lists are stored as JSON arrays.

export type AccessColumns = { roles: string; operators: string | null; kinds: string | null };

export function accessColumns(roles: readonly Role[], scope: Scope): AccessColumns {
  return {
    roles: JSON.stringify(roles),
    operators: scope.operators ? JSON.stringify(scope.operators) : null,
    kinds: scope.kinds ? JSON.stringify(scope.kinds) : null,
  };
}

/** Roles this code does not know (a row edited by hand, a newer version) are dropped, never granted. */
export function rolesOf(column: string): Role[] {
  const parsed: unknown = JSON.parse(column);
  return Array.isArray(parsed) ? parsed.filter((r): r is Role => typeof r === 'string' && isRole(r)) : [];
}

export function scopeOf(row: { operators: string | null; kinds: string | null }): Scope {
  const scope: Scope = {};
  if (row.operators !== null) scope.operators = stringList(row.operators);
  if (row.kinds !== null) scope.kinds = stringList(row.kinds);
  return scope;
}

function stringList(column: string): string[] {
  const parsed: unknown = JSON.parse(column);
  return Array.isArray(parsed) ? parsed.filter((v): v is string => typeof v === 'string') : [];
}

/** A fresh record version: random, so a change undone (roles back as they were) still ends old sessions. */
export function newStamp(): string {
  return randomBytes(16).toString('base64url');
}

/** The entries of `change` that have a value. */
export function defined<T extends object>(change: T): Partial<T> {
  return Object.fromEntries(Object.entries(change).filter(([, v]) => v !== undefined)) as Partial<T>;
}
