import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { nodeBinary } from '../lib/process/ports.ts';

const run = promisify(execFile);
const CLI = join(import.meta.dirname, 'devices-cli.ts');

describe('devices CLI: coordinates south of the equator and west of Greenwich', () => {
  let dir = '';
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('takes a negative number after --lat and --lon as the value, in both spellings', async () => {
    dir = await mkdtemp(join(tmpdir(), 'devices-cli-'));
    const registry = join(dir, 'registry.json');
    const add = (...args: string[]) => run(nodeBinary(), [CLI, 'add', ...args, '--registry', registry]);
    // The README's example, word for word.
    const { stdout } = await add(
      'aq-beji-02',
      '--kind',
      'air_quality',
      '--district',
      'beji',
      '--operator',
      'DLHK Depok',
      '--lat',
      '-6.37',
      '--lon',
      '106.82',
    );
    expect(stdout).toMatch(/^added aq-beji-02; secret \(shown once\): \S{16,}/);
    await add('ww-west-01', '--kind', 'wastewater', '--lat=-6.4', '--lon', '-0.5');

    const devices = (JSON.parse(await readFile(registry, 'utf8')) as { devices: Record<string, unknown>[] })
      .devices;
    expect(devices.find((d) => d.id === 'aq-beji-02')).toMatchObject({ lat: -6.37, lon: 106.82 });
    expect(devices.find((d) => d.id === 'ww-west-01')).toMatchObject({ lat: -6.4, lon: -0.5 });
  });

  it('makes the registry folder when it does not exist yet (a fresh clone has no state/)', async () => {
    const registry = join(dir, 'fresh', 'state', 'registry.json');
    await run(nodeBinary(), [CLI, 'add', 'aq-new-01', '--kind', 'air_quality', '--registry', registry]);
    const saved = JSON.parse(await readFile(registry, 'utf8')) as { devices: { id: string }[] };
    expect(saved.devices.map((d) => d.id)).toEqual(['aq-new-01']);
  });

  it('still reads an option that follows --lat as an option', async () => {
    const registry = join(dir, 'other.json');
    const failed = await run(nodeBinary(), [CLI, 'add', 'aq-x-01', '--lat', '--kind', 'air_quality'], {
      env: { ...process.env, REGISTRY_PATH: registry },
    }).catch((err: { code: number; stderr: string }) => err);
    // `--lat --kind` is a missing value, refused by parseArgs as before; not a latitude of "--kind".
    expect(failed).toMatchObject({ code: 1 });
    expect((failed as { stderr: string }).stderr).toMatch(/--lat/);
  });
});
