/**
 * Users and grants of an InfluxDB 1.x with `auth-enabled = true`, over the v1 `/query` API (InfluxQL).
 * Used to give each service of a local stack its own login with the least it needs (InfluxDB 1.x
 * docs, "Authentication and authorization": READ / WRITE per database, admin for everything else).
 */

export type V1Login = { username: string; password: string };
export type V1Privilege = 'READ' | 'WRITE';
export type V1User = V1Login & { privilege: V1Privilege };

type Statement = {
  error?: string;
  series?: { columns: string[]; values: unknown[][] }[];
};

/** A refusal that stops start-up: names what to do, never the password. */
export class InfluxAuthError extends Error {
  override name = 'InfluxAuthError';
  readonly code: string;
  readonly hint: string;

  constructor(code: string, message: string, hint: string) {
    super(message);
    this.code = code;
    this.hint = hint;
  }
}

// InfluxQL quoting (influxql spec "Identifiers", "Strings"): backslash escapes the quote and itself.
const ident = (name: string) => `"${name.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
const literal = (text: string) => `'${text.replace(/[\\']/g, (c) => `\\${c}`)}'`;

export function basicAuth(login: V1Login): string {
  return `Basic ${Buffer.from(`${login.username}:${login.password}`).toString('base64')}`;
}

/** One POST to /query: the HTTP status and the statement's result (or the request-level error). */
async function post(url: string, q: string, login?: V1Login): Promise<{ status: number } & Statement> {
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  if (login) headers.authorization = basicAuth(login);
  const res = await fetch(`${url.replace(/\/$/, '')}/query`, {
    method: 'POST',
    headers,
    body: new URLSearchParams({ q }),
    signal: AbortSignal.timeout(10_000),
  });
  const body = (await res.json().catch(() => ({}))) as { error?: string; results?: Statement[] };
  const first = body.results?.[0];
  return { ...first, status: res.status, error: body.error ?? first?.error };
}

/**
 * Runs one statement as `login` and returns its series. `what` names the statement in errors instead
 * of its text, which may hold a password.
 */
async function run(url: string, login: V1Login, q: string, what: string) {
  const r = await post(url, q, login);
  if (r.status !== 200 || r.error)
    throw new InfluxAuthError('INFLUX_STATEMENT_FAILED', `InfluxDB: ${what}: ${r.status} ${r.error}`, '');
  return r.series ?? [];
}

/**
 * Makes sure `admin` is an admin user that answers to its password: creates it when InfluxDB has no
 * admin yet (influxd then accepts exactly that one statement without credentials), and refuses to go on
 * when an admin exists that does not answer to this password (someone else made it, or the password
 * file was replaced): nothing can be trusted then. Returns whether it was created now.
 */
export async function ensureV1Admin(url: string, admin: V1Login): Promise<boolean> {
  const probe = await post(url, 'SHOW USERS', admin);
  let created = false;
  if (probe.status === 403 && probe.error?.includes('create admin user first')) {
    const create = `CREATE USER ${ident(admin.username)} WITH PASSWORD ${literal(admin.password)} WITH ALL PRIVILEGES`;
    await post(url, create);
    created = true;
  }
  const check = created ? await post(url, 'SHOW USERS', admin) : probe;
  const isAdmin = check.series?.[0]?.values.some(([name, flag]) => name === admin.username && flag === true);
  if (check.status !== 200 || check.error || !isAdmin)
    throw new InfluxAuthError(
      'INFLUX_ADMIN_REFUSED',
      `InfluxDB refuses "${admin.username}" as its admin with the saved password (${check.status} ${check.error ?? 'not an admin'})`,
      'the InfluxDB data has an admin whose password is not the one in the state folder: restore that file, or start with a fresh InfluxDB data folder',
    );
  return created;
}

/**
 * Makes `user` exist with exactly this password and exactly one privilege, on `database`: created if
 * missing; otherwise its password is reset from the state folder, admin rights and grants on any other
 * database are revoked. Idempotent, so every start converges on the same grants.
 */
export async function ensureV1User(
  url: string,
  admin: V1Login,
  database: string,
  user: V1User,
): Promise<void> {
  const name = ident(user.username);
  const users = (await run(url, admin, 'SHOW USERS', 'SHOW USERS'))[0]?.values ?? [];
  const existing = users.find(([username]) => username === user.username);
  if (!existing) {
    await run(
      url,
      admin,
      `CREATE USER ${name} WITH PASSWORD ${literal(user.password)}`,
      `CREATE USER ${name}`,
    );
  } else {
    await run(url, admin, `SET PASSWORD FOR ${name} = ${literal(user.password)}`, `SET PASSWORD FOR ${name}`);
    if (existing[1] === true)
      await run(url, admin, `REVOKE ALL PRIVILEGES FROM ${name}`, `REVOKE ALL PRIVILEGES FROM ${name}`);
  }
  const grants = (await run(url, admin, `SHOW GRANTS FOR ${name}`, 'SHOW GRANTS'))[0]?.values ?? [];
  for (const [db, privilege] of grants) {
    if (db === database && privilege === user.privilege) continue;
    await run(url, admin, `REVOKE ALL ON ${ident(String(db))} FROM ${name}`, `REVOKE ON ${db}`);
  }
  if (!grants.some(([db, privilege]) => db === database && privilege === user.privilege))
    await run(url, admin, `GRANT ${user.privilege} ON ${ident(database)} TO ${name}`, `GRANT ${name}`);
}
