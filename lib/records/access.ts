import { findKind } from '../catalogue/index.ts';

/**
 * What a console user or API token may do (issue 14). `admin` manages users, devices and settings and
 * may do everything the others may; `operator` acknowledges alerts and logs maintenance; `validator`
 * validates data (the official-data issue); `viewer` reads. A principal holds one or more.
 */
export const Roles = ['admin', 'operator', 'validator', 'viewer'] as const;
export type Role = (typeof Roles)[number];

/**
 * Which stations a principal sees: those of the listed registry operators and of the listed kinds.
 * An absent list is no restriction on that axis; both absent is unscoped (everything). Both present:
 * a station must match both (least privilege: "UPTD PAL's wastewater stations").
 */
export type Scope = { operators?: string[]; kinds?: string[] };
export type Access = { roles: Role[]; scope: Scope };

/** A user's language preference for the console and notifications; Indonesian unless chosen. */
export const Languages = ['id', 'en'] as const;
export type Language = (typeof Languages)[number];
export const DEFAULT_LANGUAGE: Language = 'id';

/** User and token names: what the console always accepted (a login name, a script's name). */
export const ACCOUNT_NAME = /^[a-z][a-z0-9._-]{0,63}$/;

export function isRole(value: string): value is Role {
  return (Roles as readonly string[]).includes(value);
}

export function isUnscoped(scope: Scope): boolean {
  return scope.operators === undefined && scope.kinds === undefined;
}

/**
 * Access as asked for, before it is checked. For each scope list: undefined = not given, null = no
 * restriction, an array = restrict to these (an empty array or an empty name is a mistake, refused).
 */
export type AccessInput = {
  roles: readonly string[];
  operators?: readonly string[] | null;
  kinds?: readonly string[] | null;
};

export type AccessCheck = { ok: true; access: Access } | { ok: false; problem: string };

/**
 * Checks roles and scope against what exists: roles from `Roles`, kinds from the catalogue, operators
 * from the registry (`knownOperators`; undefined when there is no registry to check against, and then
 * an operator scope is refused rather than taken on trust). The problem names the first bad value.
 */
export function checkAccess(
  input: AccessInput,
  knownOperators: ReadonlySet<string> | undefined,
): AccessCheck {
  if (input.roles.length === 0) return { ok: false, problem: `give at least one role (${Roles.join(', ')})` };
  for (const role of input.roles)
    if (!isRole(role)) return { ok: false, problem: `unknown role '${role}' (roles: ${Roles.join(', ')})` };
  const roles = Roles.filter((r) => input.roles.includes(r));
  const scope: Scope = {};

  if (input.operators) {
    if (input.operators.length === 0)
      return {
        ok: false,
        problem: 'an empty operator list would show no station; leave the scope out to see all',
      };
    for (const operator of input.operators) {
      if (operator.trim() === '') return { ok: false, problem: 'an operator name is empty' };
      if (!knownOperators)
        return {
          ok: false,
          problem: `cannot check operator '${operator}': no registry is configured (REGISTRY_PATH)`,
        };
      if (!knownOperators.has(operator)) {
        const known = [...knownOperators].sort().join(', ') || 'none';
        return { ok: false, problem: `operator '${operator}' is not in the registry (known: ${known})` };
      }
    }
    scope.operators = [...new Set(input.operators)].sort();
  }
  if (input.kinds) {
    if (input.kinds.length === 0)
      return {
        ok: false,
        problem: 'an empty kind list would show no station; leave the scope out to see all',
      };
    for (const kind of input.kinds) {
      if (kind.trim() === '') return { ok: false, problem: 'a kind is empty' };
      if (!findKind(kind)) return { ok: false, problem: `kind '${kind}' is not in the catalogue` };
    }
    scope.kinds = [...new Set(input.kinds)].sort();
  }
  // An admin can change any scope, their own included: limiting one would only look like a limit.
  if (roles.includes('admin') && !isUnscoped(scope))
    return {
      ok: false,
      problem: 'an admin cannot be limited to operators or kinds (an admin can change any scope)',
    };
  return { ok: true, access: { roles, scope } };
}
