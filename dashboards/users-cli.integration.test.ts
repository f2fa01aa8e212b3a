import { spawn } from 'node:child_process';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openRecords } from '../lib/records/database.ts';
import { hashSecret } from '../lib/registry/secrets.ts';
import { makeRegistry, TEST_SCRYPT } from '../testkit/pipeline.ts';
import { UserDirectory } from './auth/users.ts';

// Issue 14: `npm run users` with roles and scope, as a child process (exit codes are the contract).
const CLI = join(import.meta.dirname, 'users-cli.ts');
const PDAM = 'PDAM Tirta Asasta';

type Run = { code: number | null; stdout: string; stderr: string };

describe('users CLI (child process)', () => {
  let dir: string;
  let registry: Awaited<ReturnType<typeof makeRegistry>>;
  let recordsPath: string;
  let legacyPath: string;

  const run = (args: string[], input = '', env: Record<string, string> = {}) =>
    new Promise<Run>((resolve, reject) => {
      const child = spawn(
        process.execPath,
        [CLI, ...args, '--records', recordsPath, '--registry', registry.path, '--users', legacyPath],
        { env: { PATH: process.env.PATH ?? '', ...env } },
      );
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => {
        stdout += d;
      });
      child.stderr.on('data', (d) => {
        stderr += d;
      });
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stdout, stderr }));
      child.stdin.end(input);
    });
  const contents = () => {
    const records = openRecords(recordsPath);
    try {
      return JSON.stringify([records.users.list(), records.tokens.list(), records.audit.page({}, 1000)]);
    } finally {
      records.close();
    }
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'users-cli-'));
    registry = await makeRegistry([
      { id: 'wn-pancoran-01', kind: 'water_network', operator: PDAM },
      { id: 'ww-tapos-01', kind: 'wastewater', operator: 'UPTD PAL Depok' },
    ]);
    recordsPath = join(dir, 'records.db');
    legacyPath = join(dir, 'console-users.json');
    // A users file of the version before: the first command imports it.
    const password_hash = await hashSecret('the old admin password', TEST_SCRYPT);
    await writeFile(legacyPath, JSON.stringify({ users: [{ username: 'lama', password_hash }], tokens: [] }));
  });
  afterAll(async () => {
    await registry?.cleanup();
    await rm(dir, { recursive: true, force: true });
  });

  it('imports the old users file, then adds a scoped user with the password from the environment', async () => {
    const added = await run(
      ['add-user', 'pdam', '--role', 'operator', '--role', 'viewer', '--operator', PDAM],
      '',
      {
        CONSOLE_NEW_PASSWORD: 'a long enough password',
      },
    );
    expect(added).toMatchObject({
      code: 0,
      stdout: `user pdam added: operator,viewer  (operators: ${PDAM})\n`,
    });
    expect(added.stderr).toContain('imported');
    await expect(stat(legacyPath)).rejects.toThrow(/ENOENT/);
    const list = await run(['list']);
    expect(list.stdout).toBe(
      `user  lama  admin  (all stations)  language id\nuser  pdam  operator,viewer  (operators: ${PDAM})  language id\n`,
    );
    const records = openRecords(recordsPath);
    try {
      expect(await new UserDirectory(records).verifyPassword('pdam', 'a long enough password')).toBe(true);
      expect(await new UserDirectory(records).verifyPassword('lama', 'the old admin password')).toBe(true);
      const [row] = records.audit.page({ action: 'user_added', target: 'pdam' }, 1).entries;
      expect(row).toMatchObject({
        actor: userInfo().username,
        via: 'cli',
        after: { roles: ['operator', 'viewer'] },
      });
    } finally {
      records.close();
    }
  });

  it.each([
    [['add-user', 'budi', '--role', 'superuser'], /refused: unknown role 'superuser'/],
    [['add-user', 'budi', '--role', 'viewer', '--operator', ''], /refused: an operator name is empty/],
    [
      ['add-user', 'budi', '--role', 'viewer', '--operator', 'PDAM Palsu'],
      /refused: operator 'PDAM Palsu' is not in the registry \(known: PDAM Tirta Asasta, UPTD PAL Depok\)/,
    ],
    [
      ['add-user', 'budi', '--role', 'viewer', '--kind', 'noise'],
      /refused: kind 'noise' is not in the catalogue/,
    ],
    [['add-user', 'budi', '--role', 'viewer', '--kind', ''], /refused: a kind is empty/],
    [['add-user', 'budi'], /add-user needs at least one --role/],
    [['add-user', 'pdam', '--role', 'viewer'], /refused: user 'pdam' exists/],
    [['set-roles', 'pdam', '--role', 'nope'], /refused: unknown role 'nope'/],
    [['set-roles', 'pdam', '--role', 'viewer', '--unscoped', '--kind', 'wastewater'], /exclude each other/],
    [['set-roles', 'nobody', '--role', 'viewer'], /refused: no user 'nobody'/],
    [['remove-user', 'lama'], /refused: 'lama' is the last admin/],
    [['add-token', 'wall', '--role', 'viewer', '--operator', ''], /refused: an operator name is empty/],
    [['frobnicate'], /unknown command 'frobnicate'/],
    [['list', '--colour'], /Unknown option '--colour'/],
  ])('refuses %j with exit code 2 and changes nothing', async (args, message) => {
    const before = contents();
    const result = await run(args, 'a long enough password\n');
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(contents()).toBe(before);
  });

  it('changes roles and scope, reads a password from stdin, issues and removes tokens, removes users', async () => {
    expect((await run(['set-roles', 'pdam', '--role', 'viewer', '--kind', 'water_network'])).stdout).toBe(
      `user pdam: viewer  (operators: ${PDAM}; kinds: water_network)\n`,
    );
    expect((await run(['set-roles', 'pdam', '--role', 'viewer', '--unscoped'])).stdout).toBe(
      'user pdam: viewer  (all stations)\n',
    );
    expect((await run(['set-password', 'pdam'], 'another long password\n')).code).toBe(0);
    const token = await run(['add-token', 'wall', '--role', 'viewer', '--operator', PDAM]);
    expect(token.code).toBe(0);
    expect(token.stdout).toMatch(/^[\w-]{43}\n$/);
    expect(token.stderr).toContain('shown once');
    const records = openRecords(recordsPath);
    try {
      const users = new UserDirectory(records);
      expect(await users.verifyPassword('pdam', 'another long password')).toBe(true);
      expect(users.tokenPrincipal(token.stdout.trim())?.access).toEqual({
        roles: ['viewer'],
        scope: { operators: [PDAM] },
      });
    } finally {
      records.close();
    }
    expect((await run(['remove-token', 'wall'])).code).toBe(0);
    expect((await run(['remove-user', 'pdam'])).stdout).toBe('user pdam removed\n');
    expect((await run(['list'])).stdout).toBe('user  lama  admin  (all stations)  language id\n');
  });
});
