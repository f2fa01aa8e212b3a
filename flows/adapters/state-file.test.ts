import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { modeOf } from '../../testkit/file-modes.ts';
import { createStateFile } from './state-file.ts';

describe('alert state file', () => {
  let dir: string | undefined;
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  // issue 12, item 8: the file was written 0600 but one an older version left kept 0644.
  it('is made 0600 when loaded, and saved 0600', async () => {
    dir = await mkdtemp(join(tmpdir(), 'state-file-'));
    const path = join(dir, 'alerts-state.json');
    await writeFile(path, '{"alerts":[]}');
    await chmod(path, 0o644);
    const file = createStateFile(path);
    expect(await file.load()).toEqual({ alerts: [] });
    expect(await modeOf(path)).toBe(0o600);
    await file.save(() => ({ alerts: [1] }));
    expect(await modeOf(path)).toBe(0o600);
    expect(await file.load()).toEqual({ alerts: [1] });
  });

  it('loads nothing when there is no file yet', async () => {
    dir = await mkdtemp(join(tmpdir(), 'state-file-'));
    expect(await createStateFile(join(dir, 'none.json')).load()).toBeUndefined();
  });
});
