import { parseArgs } from 'node:util';
import { openRecords } from './database.ts';
import { loadMigrations } from './migrate.ts';

const USAGE = `Usage: npm run records -- <command> [--db PATH]

Commands:
  backup <file>   online copy of the records database to a new file (the console may keep running)
  status          schema version of the database and of this code; applies pending migrations
                  (opening the database always does)

Options:
  --db <path>  records database (default: $RECORDS_PATH or state/records.db)
`;

// CLI: exit 0 done, 2 usage or refused input, 1 anything else (the message says what).
let args: ReturnType<typeof parse>;
function parse() {
  return parseArgs({
    allowPositionals: true,
    options: { db: { type: 'string' }, help: { type: 'boolean', short: 'h', default: false } },
  });
}
try {
  args = parse();
} catch (err) {
  process.stderr.write(`records: ${(err as Error).message}\n${USAGE}`);
  process.exit(2);
}
const [command, file] = args.positionals;
const path = args.values.db ?? process.env.RECORDS_PATH ?? 'state/records.db';

if (args.values.help || !command) {
  process.stdout.write(USAGE);
  process.exit(0);
}
if (command !== 'backup' && command !== 'status') {
  process.stderr.write(`records: unknown command '${command}'\n${USAGE}`);
  process.exit(2);
}
if (command === 'backup' && !file) {
  process.stderr.write(`records: backup needs a file name\n${USAGE}`);
  process.exit(2);
}

try {
  const records = openRecords(path);
  try {
    if (records.applied.length) process.stdout.write(`applied migrations ${records.applied.join(', ')}\n`);
    if (command === 'status') {
      const known = loadMigrations().at(-1)?.version ?? 0;
      process.stdout.write(`${path}: schema version ${records.version} (this code: ${known})\n`);
    } else if (file) {
      const pages = await records.backup(file);
      process.stdout.write(`backup of ${path} written to ${file} (${pages} pages)\n`);
    }
  } finally {
    records.close();
  }
} catch (err) {
  const e = err as Error & { code?: string };
  process.stderr.write(`records: ${e.message}\n`);
  process.exit(e.code === 'RECORDS_BACKUP_EXISTS' ? 2 : 1);
}
