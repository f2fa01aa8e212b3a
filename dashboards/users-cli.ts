import { existsSync } from 'node:fs';
import { userInfo } from 'node:os';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { Roles } from '../lib/records/access.ts';
import { loadRegistry } from '../lib/registry/store.ts';
import { openConsoleRecords } from './auth/legacy-users.ts';
import { type Actor, type Outcome, type TokenView, UserAdmin, type UserView } from './auth/user-admin.ts';
import { recordsPathFromEnv } from './config.ts';

const USAGE = `Usage: npm run users -- <command> [name] [options]

Commands:
  add-user <name> --role ROLE...   add a console user; the password is read from $CONSOLE_NEW_PASSWORD
                                   or the first line of stdin (at least 10 characters)
  set-roles <name> --role ROLE...  replace the user's roles (scope options replace the scope)
  set-password <name>              new password, read like add-user's
  remove-user <name>
  add-token <name> --role ROLE...  issue an API token for scripts (Authorization: Bearer ...); printed once
  set-token-roles <name> --role ROLE...
  remove-token <name>
  list                             users and tokens with roles and scope (never hashes)

Roles: ${Roles.join(', ')} (repeat --role for several)
Scope (add-*, set-*): --operator "NAME"... (a registry operator), --kind KIND... (a catalogue kind),
  --unscoped (set-*: remove the scope). Without scope options a user sees every station.
Other options:
  --language id|en   add-user: the user's language (default id)
  --records PATH     records database (default: $RECORDS_PATH, or records.db beside $CONSOLE_USERS_PATH,
                     or state/records.db)
  --registry PATH    registry to check operator names against (default: $REGISTRY_PATH or state/registry.json)
  --users PATH       users file of earlier versions, imported first when it exists
                     (default: $CONSOLE_USERS_PATH or state/console-users.json)
Exit status: 0 done, 2 refused (bad input or usage; nothing changed), 1 other errors.
`;

function usage(problem: string): never {
  process.stderr.write(`users: ${problem}\n\n${USAGE}`);
  process.exit(2);
}

let parsed: ReturnType<typeof parse>;
function parse() {
  return parseArgs({
    allowPositionals: true,
    options: {
      role: { type: 'string', multiple: true },
      operator: { type: 'string', multiple: true },
      kind: { type: 'string', multiple: true },
      unscoped: { type: 'boolean', default: false },
      language: { type: 'string' },
      records: { type: 'string' },
      registry: { type: 'string' },
      users: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
}
try {
  parsed = parse();
} catch (err) {
  usage((err as Error).message);
}
const { values, positionals } = parsed;
const [command, name] = positionals;
if (values.help || !command) {
  process.stdout.write(USAGE);
  process.exit(0);
}

const registryPath = values.registry ?? process.env.REGISTRY_PATH ?? 'state/registry.json';
const knownOperators = async () => {
  if (!values.registry && !process.env.REGISTRY_PATH && !existsSync(registryPath)) return undefined;
  const registry = await loadRegistry(registryPath);
  return new Set(registry.devices.flatMap((d) => (d.operator ? [d.operator] : [])));
};
const actor: Actor = { name: safeUserName(), via: 'cli' };

function safeUserName(): string {
  try {
    return userInfo().username;
  } catch {
    return 'cli';
  }
}

async function readPassword(): Promise<string> {
  const fromEnv = process.env.CONSOLE_NEW_PASSWORD;
  if (fromEnv) return fromEnv;
  if (process.stdin.isTTY) process.stderr.write('password: ');
  const rl = createInterface({ input: process.stdin });
  for await (const line of rl) {
    rl.close();
    return line;
  }
  return '';
}

function need(value: string | undefined): string {
  return value || usage(`${command} needs a name`);
}

/** Scope options: undefined when not given; --unscoped is null (no restriction) on both axes. */
function scope(): { operators?: string[] | null; kinds?: string[] | null } {
  if (values.unscoped) {
    if (values.operator || values.kind) usage('--unscoped and --operator/--kind exclude each other');
    return { operators: null, kinds: null };
  }
  return { operators: values.operator, kinds: values.kind };
}

const describeScope = (s: UserView['scope']) =>
  [s.operators && `operators: ${s.operators.join(', ')}`, s.kinds && `kinds: ${s.kinds.join(', ')}`]
    .filter(Boolean)
    .join('; ') || 'all stations';
const describe = (v: UserView | TokenView) => `${v.roles.join(',')}  (${describeScope(v.scope)})`;

function finish<T>(outcome: Outcome<T>, done: (value: T) => string): void {
  if (!outcome.ok) {
    process.stderr.write(`users: refused: ${outcome.problem}\n`);
    process.exitCode = 2;
    return;
  }
  process.stdout.write(`${done(outcome.value)}\n`);
}

const KNOWN = [
  'add-user',
  'set-roles',
  'set-password',
  'remove-user',
  'add-token',
  'set-token-roles',
  'remove-token',
  'list',
];
if (!KNOWN.includes(command)) usage(`unknown command '${command}'`);

const legacy = values.users ?? process.env.CONSOLE_USERS_PATH ?? 'state/console-users.json';
const recordsPath = values.records ?? recordsPathFromEnv(process.env);
const { records, imported } = await openConsoleRecords(recordsPath, legacy).catch((err: Error) => {
  process.stderr.write(`users: ${err.message}\n`);
  process.exit(1);
});
try {
  if (imported)
    process.stderr.write(
      `imported ${legacy} (users as admin, tokens as operator); renamed to ${imported.renamedTo}\n`,
    );
  const admin = new UserAdmin(records, { knownOperators });
  const roles = values.role;
  switch (command) {
    case 'add-user': {
      const username = need(name);
      // Checked before the password is read: a refusal should not first ask for one.
      if (!roles) usage(`add-user needs at least one --role (${Roles.join(', ')})`);
      const input = { username, roles, language: values.language, ...scope() };
      finish(
        await admin.addUser({ ...input, password: await readPassword() }, actor),
        (u) => `user ${u.username} added: ${describe(u)}`,
      );
      break;
    }
    case 'set-roles':
      if (!roles) usage('set-roles needs at least one --role');
      finish(
        await admin.changeUser(need(name), { roles, ...scope() }, actor),
        (u) => `user ${u.username}: ${describe(u)}`,
      );
      break;
    case 'set-password':
      finish(
        await admin.changeUser(need(name), { password: await readPassword() }, actor),
        (u) => `user ${u.username}: new password`,
      );
      break;
    case 'remove-user':
      finish(admin.removeUser(need(name), actor), (u) => `user ${u.username} removed`);
      break;
    case 'add-token':
      if (!roles) usage(`add-token needs at least one --role (${Roles.join(', ')})`);
      finish(await admin.addToken({ name: need(name), roles, ...scope() }, actor), (t) => {
        process.stderr.write(
          `token ${t.name}: ${describe(t)}; shown once, only its SHA-256 digest is stored\n`,
        );
        return t.token;
      });
      break;
    case 'set-token-roles':
      if (!roles) usage('set-token-roles needs at least one --role');
      finish(
        await admin.changeToken(need(name), { roles, ...scope() }, actor),
        (t) => `token ${t.name}: ${describe(t)}`,
      );
      break;
    case 'remove-token':
      finish(admin.removeToken(need(name), actor), (t) => `token ${t.name} removed`);
      break;
    case 'list':
      for (const u of admin.listUsers())
        process.stdout.write(`user  ${u.username}  ${describe(u)}  language ${u.language}\n`);
      for (const t of admin.listTokens()) process.stdout.write(`token ${t.name}  ${describe(t)}\n`);
      break;
  }
} catch (err) {
  process.stderr.write(`users: ${(err as Error).message}\n`);
  process.exitCode = 1;
} finally {
  records.close();
}
