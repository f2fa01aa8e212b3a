import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isPublicStation } from '../lib/registry/public.ts';
import { loadRegistry, saveRegistry } from '../lib/registry/store.ts';
import { loadStations } from '../simulators/stations/load.ts';
import { provisionLocal } from './provision-local.ts';

const SELF_MONITORING = ['ww-industri-cimanggis-01', 'ww-industri-tapos-01', 'ww-rs-cinere'];

describe('provisionLocal: which stations are public', () => {
  const dirs: string[] = [];
  afterAll(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

  it('carries self_monitoring from the stations file, also onto devices provisioned before it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'provision-'));
    dirs.push(dir);
    const stations = loadStations();
    const { registryPath } = await provisionLocal(dir, stations);
    const hidden = (await loadRegistry(registryPath)).devices
      .filter((d) => !isPublicStation(d))
      .map((d) => d.id);
    expect(hidden.sort()).toEqual(SELF_MONITORING);

    // A registry from before the attribute (the flag stripped): the next start puts it back.
    const old = await loadRegistry(registryPath);
    await saveRegistry(registryPath, {
      ...old,
      devices: old.devices.map(({ self_monitoring: _, ...d }) => d),
    });
    expect((await loadRegistry(registryPath)).devices.every(isPublicStation)).toBe(true);
    await provisionLocal(dir, stations);
    const again = await loadRegistry(registryPath);
    expect(
      again.devices
        .filter((d) => !isPublicStation(d))
        .map((d) => d.id)
        .sort(),
    ).toEqual(SELF_MONITORING);

    // The file may publish one of them: `public: true` wins.
    const published = stations.map((s) => (s.id === 'ww-rs-cinere' ? { ...s, public: true } : s));
    await provisionLocal(dir, published);
    const now = await loadRegistry(registryPath);
    expect(
      now.devices
        .filter((d) => !isPublicStation(d))
        .map((d) => d.id)
        .sort(),
    ).toEqual(SELF_MONITORING.slice(0, 2));
  }, 60_000);
});
