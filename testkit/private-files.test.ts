import { chmod, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../lib/log.ts';
import { enforcePrivate } from '../lib/private-files.ts';
import { modeOf, modesUnder, notPrivate, sampleState } from './file-modes.ts';

describe('enforcePrivate', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'private-files-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('takes group and other access off every folder and file under the state folder', async () => {
    const state = join(dir, 'state');
    await sampleState(state);
    const before = await modesUnder(state);
    expect([...before.values()].filter((m) => (m & 0o077) !== 0)).toHaveLength(before.size);

    const lines: string[] = [];
    const log = createLogger('test', 'info', { write: (line: string) => lines.push(line) });
    const report = await enforcePrivate(state, log);

    const after = await modesUnder(state);
    expect(await notPrivate(state)).toEqual([]);
    expect(after.get(state)).toBe(0o700);
    expect(after.get(join(state, 'influxdb', 'data', 'environment'))).toBe(0o700);
    expect(after.get(join(state, 'service-secrets.json'))).toBe(0o600);
    expect(after.get(join(state, 'run.sh'))).toBe(0o700); // still executable by its owner
    expect(report).toEqual({ folders: 6, files: 4, failed: 0 });
    // counted at info, contents never logged
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0] ?? '{}')).toMatchObject({ level: 30, dir: state, folders: 6, files: 4 });
    expect(lines.join('')).not.toContain('SECRET-CONTENT');

    expect(await enforcePrivate(state, log)).toEqual({ folders: 0, files: 0, failed: 0 });
    expect(lines).toHaveLength(1); // nothing fixed, nothing logged
  });

  it('does not follow symlinks out of the folder', async () => {
    const state = join(dir, 'state');
    await mkdir(state);
    const outside = join(dir, 'outside.txt');
    const outsideDir = join(dir, 'outside-dir');
    await writeFile(outside, 'shared');
    await mkdir(outsideDir);
    await chmod(outside, 0o644);
    await chmod(outsideDir, 0o755);
    await symlink(outside, join(state, 'link-to-file'));
    await symlink(outsideDir, join(state, 'link-to-dir'));
    await enforcePrivate(state);
    expect(await modeOf(outside)).toBe(0o644);
    expect(await modeOf(outsideDir)).toBe(0o755);
    expect(await modeOf(state)).toBe(0o700);
  });

  it('fixes a single file, and finds nothing to do for a missing path', async () => {
    const file = join(dir, 'alerts-state.json');
    await writeFile(file, '{}', { mode: 0o644 });
    await chmod(file, 0o644);
    expect(await enforcePrivate(file)).toEqual({ folders: 0, files: 1, failed: 0 });
    expect(await modeOf(file)).toBe(0o600);
    expect(await enforcePrivate(join(dir, 'missing'))).toEqual({ folders: 0, files: 0, failed: 0 });
  });
});
