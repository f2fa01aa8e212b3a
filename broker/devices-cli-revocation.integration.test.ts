import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadRegistry } from '../lib/registry/store.ts';
import { connackCode, startTestBroker, type TestBroker } from '../testkit/broker.ts';

const root = resolve(import.meta.dirname, '..');

/** The CLI as broker/README.md prints it: `npm run devices -- <command> <id>`, registry from REGISTRY_PATH. */
function devices(registryPath: string, ...args: string[]) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((done) => {
    execFile(
      'npm',
      ['run', '--silent', 'devices', '--', ...args],
      { cwd: root, env: { ...process.env, REGISTRY_PATH: registryPath }, timeout: 30_000 },
      (err, stdout, stderr) => done({ code: err ? Number(err.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe('npm run devices: revocation is kept unless restored', () => {
  let t: TestBroker;
  beforeAll(async () => {
    t = await startTestBroker([{ id: 'aq-cli-01', kind: 'air_quality' }]);
  });
  afterAll(async () => t?.close());
  const login = (password: string) =>
    connackCode(t.url, { clientId: 'aq-cli-01', username: 'aq-cli-01', password });

  it('rotate of a revoked device refuses with a clear message; restore re-enables it with a new secret', async () => {
    expect((await devices(t.registryPath, 'revoke', 'aq-cli-01')).code).toBe(0);
    await expect.poll(() => login(t.secrets.get('aq-cli-01') as string), { timeout: 5000 }).toBe(4);

    const rotate = await devices(t.registryPath, 'rotate', 'aq-cli-01');
    expect(rotate.code).toBe(1);
    expect(rotate.stderr).toMatch(
      /device 'aq-cli-01' is revoked: rotating does not re-enable it; restore it/,
    );
    expect(rotate.stdout).not.toMatch(/secret/);
    expect((await loadRegistry(t.registryPath)).devices[0]?.revoked).toBe(true);

    const restore = await devices(t.registryPath, 'restore', 'aq-cli-01', '--json');
    expect(restore.code).toBe(0);
    const { secret } = JSON.parse(restore.stdout) as { secret: string };
    await expect.poll(() => login(secret), { timeout: 5000 }).toBe(0);
    expect(await login(t.secrets.get('aq-cli-01') as string)).toBe(4);
  });
});
