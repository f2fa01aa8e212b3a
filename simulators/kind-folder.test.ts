import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findKind } from '../lib/catalogue/index.ts';
import { ConfigError } from '../lib/config.ts';
import { loadKindFolder } from './kind-folder.ts';
import { models } from './profiles/index.ts';

const example = join(import.meta.dirname, 'testdata/river-level');
const scratch = mkdtempSync(join(tmpdir(), 'kind-folder-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

type Edit = { file: 'kind.json' | 'profile.json'; path: string[]; value?: unknown };

/** Sets (or, with no value, deletes) the value at `path` of a parsed JSON document. */
function apply(doc: unknown, { path, value }: Edit): void {
  const keys = [...path];
  const last = keys.pop() as string;
  let node = doc as Record<string, unknown>;
  for (const key of keys) node = node[key] as Record<string, unknown>;
  if (value === undefined) delete node[last];
  else node[last] = value;
}

/** A copy of the river-level folder under a fresh kind id, with one file edited. */
function variant(name: string, edit: Edit): string {
  const dir = join(scratch, name);
  cpSync(example, dir, { recursive: true });
  for (const file of ['kind.json', 'profile.json'] as const) {
    const doc = JSON.parse(readFileSync(join(dir, file), 'utf8'));
    if (file === 'kind.json') doc.id = name;
    else doc.kind = name;
    if (edit.file === file) apply(doc, edit);
    writeFileSync(join(dir, file), JSON.stringify(doc));
  }
  return dir;
}

describe('a kind folder loaded from disk', () => {
  it('registers the entry (checked by KindSpecSchema) and its declarative model', () => {
    const { kind, stations } = loadKindFolder(example);
    expect(findKind('river_level')).toBe(kind);
    expect(kind.fields.temperature?.senml?.names).toEqual(['temp']);
    expect(models.river_level?.drivers).toEqual(['flood_m']);
    expect(stations.map((s) => s.kind)).toEqual(['river_level', 'river_level']);
    expect(() => loadKindFolder(example)).toThrow(/already registered/);
  });

  it.each<[string, Edit, RegExp]>([
    [
      'min above max',
      { file: 'kind.json', path: ['fields', 'turbidity', 'min'], value: 5000 },
      /turbidity: min/,
    ],
    [
      'an unknown key in a field',
      { file: 'kind.json', path: ['fields', 'turbidity', 'units'], value: 'NTU' },
      /units/,
    ],
    [
      'an invalid example without reason',
      { file: 'kind.json', path: ['examples', 'invalid', '0', 'reason'] },
      /reason/,
    ],
    [
      'a profile field the entry lacks',
      { file: 'profile.json', path: ['fields', 'salinity'], value: { base: 1, min: 0, max: 2 } },
      /unknown: salinity/,
    ],
    [
      'a profile range beyond the entry',
      { file: 'profile.json', path: ['fields', 'turbidity', 'max'], value: 5000 },
      /exceeds/,
    ],
    [
      'a malformed profile',
      { file: 'profile.json', path: ['fields', 'turbidity', 'noise'], value: -1 },
      /turbidity.noise/,
    ],
  ])('refuses %s with a config error naming the file', (_, edit, problem) => {
    const name = `bad_${Math.random().toString(36).slice(2, 8)}`;
    const dir = variant(name, edit);
    let error: unknown;
    try {
      loadKindFolder(dir);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(problem);
    expect((error as Error).message).toContain(dir);
    expect(findKind(name)).toBeUndefined();
  });
});
