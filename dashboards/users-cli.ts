import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { addToken, loadUsers, saveUsers, setUser } from './auth/users.ts';

const USAGE = `Usage: node dashboards/users-cli.ts <command> [name] [--users PATH]

Commands:
  add-user <username>    add a console user or set a new password; the password is read from
                         $CONSOLE_NEW_PASSWORD or the first line of stdin (at least 10 characters)
  remove-user <username>
  add-token <name>       issue an API token for scripts (Authorization: Bearer ...); printed once
  remove-token <name>
  list                   users and token names (never hashes)

Options:
  --users <path>  users file (default: $CONSOLE_USERS_PATH or state/console-users.json)
`;

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { users: { type: 'string' }, help: { type: 'boolean', short: 'h', default: false } },
});
const [command, name] = positionals;
const path = values.users ?? process.env.CONSOLE_USERS_PATH ?? 'state/console-users.json';

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
  if (!value) {
    process.stderr.write(USAGE);
    process.exit(2);
  }
  return value;
}

try {
  const file = await loadUsers(path);
  switch (values.help ? 'help' : command) {
    case 'add-user': {
      const username = need(name);
      await saveUsers(path, await setUser(file, username, await readPassword()));
      process.stdout.write(`user ${username} saved in ${path}\n`);
      break;
    }
    case 'remove-user':
      await saveUsers(path, { ...file, users: file.users.filter((u) => u.username !== need(name)) });
      break;
    case 'add-token': {
      const result = addToken(file, need(name));
      await saveUsers(path, result.file);
      process.stdout.write(`${result.token}\n`);
      process.stderr.write('shown once: only its SHA-256 digest is stored\n');
      break;
    }
    case 'remove-token':
      await saveUsers(path, { ...file, tokens: file.tokens.filter((t) => t.name !== need(name)) });
      break;
    case 'list':
      for (const u of file.users) process.stdout.write(`user  ${u.username}\n`);
      for (const t of file.tokens) process.stdout.write(`token ${t.name}\n`);
      break;
    default:
      process.stdout.write(USAGE);
      process.exit(command ? 2 : 0);
  }
} catch (err) {
  process.stderr.write(`users-cli: ${(err as Error).message}\n`);
  process.exit(1);
}
