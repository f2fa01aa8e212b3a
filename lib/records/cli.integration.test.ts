import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openRecords } from './database.ts';
import { loadMigrations } from './migrate.ts';

// `npm run records -- backup <file>` and `status`, as a child process.
const CLI = join(import.meta.dirname, 'cli.ts');
const run = (args: string[]) =>
  promisify(execFile)(process.execPath, [CLI, ...args]).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (err: { code: number; stdout: string; stderr: string }) => ({
      code: err.code,
      stdout: err.stdout,
      stderr: err.stderr,
    }),
  );

describe('records CLI (child process)', () => {
  let dir: string;
  let db: string;
  let open: ReturnType<typeof openRecords> | undefined;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'records-cli-'));
    db = join(dir, 'records.db');
    // Left open while the CLI copies it, as the console would be.
    open = openRecords(db);
    open.users.insert({ username: 'siti', password_hash: 'scrypt$1', roles: ['admin'], scope: {} });
  });
  afterAll(async () => {
    open?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('backs up a database in use to a new file, and refuses to overwrite it', async () => {
    const file = join(dir, 'backup', 'records-2026-12-01.db');
    const done = await run(['backup', file, '--db', db]);
    expect(done.code).toBe(0);
    expect(done.stdout).toMatch(/written to .*records-2026-12-01\.db \(\d+ pages\)/);
    const copy = openRecords(file);
    expect(copy.users.get('siti')?.roles).toEqual(['admin']);
    copy.close();
    const again = await run(['backup', file, '--db', db]);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/already exists/);
  });

  it('reports the schema version, and refuses a database newer than the code', async () => {
    // The number of shipped migrations, so a new one does not break this test.
    const latest = loadMigrations().length;
    expect((await run(['status', '--db', db])).stdout).toContain(
      `schema version ${latest} (this code: ${latest})`,
    );
    const newer = join(dir, 'newer.db');
    openRecords(newer).close();
    const raw = new DatabaseSync(newer);
    raw.exec(`INSERT INTO schema_version VALUES (${latest + 1}, 'future', 0)`);
    raw.close();
    const refused = await run(['status', '--db', newer]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`schema version ${latest + 1}, this code knows up to ${latest}`);
    expect((await run(['backup', '--db', db])).code).toBe(2);
  });
});
