import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { kinds } from '../catalogue/index.ts';
import { loadStandards } from '../standards/index.ts';
import { catalogue, Languages, readCatalogue } from './index.ts';
import { placeholders } from './message.js';

const root = resolve(import.meta.dirname, '..', '..');
const [first, ...others] = Languages;
const reference = catalogue(first);
const keys = Object.keys(reference);

/**
 * Keys named at run time from data, each family with the values it must cover exactly: a key for every
 * value (a new standard or kind needs its words) and no key for a value that is gone.
 */
const standards = loadStandards().standards;
const durationLike = /^\d+(?:\.\d+)?\s*(min|[smhdy])$/;
const FAMILIES: Record<string, string[]> = {
  'standard.': standards.map((s) => s.id),
  'kind.': kinds.map((k) => k.id),
  'field.': kinds.flatMap((k) => Object.keys(k.fields).map((f) => `${k.id}.${f}`)),
  'averaging.': [
    ...new Set(
      standards.flatMap((s) =>
        s.pollutants.flatMap((p) => [p.averaging, ...(p.limits ?? []).map((l) => l.averaging)]),
      ),
    ),
  ].filter((a): a is string => a !== undefined && !durationLike.test(a)),
};
const family = (key: string) => Object.keys(FAMILIES).find((prefix) => key.startsWith(prefix));

/** The product's source (tests and test data aside): where keys are named. Walked with node:fs, so the
 * unit test starts no process (testkit/test-tiers.test.ts). */
const SKIP = new Set(['node_modules', '.git', 'state']);
/** The top folders whose code shows words to people. */
const WORDED = ['lib', 'dashboards', 'flows', 'reports', 'public'];
function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (SKIP.has(entry.name)) return [];
    const path = join(dir, entry.name);
    return entry.isDirectory() ? walk(path) : [relative(root, path)];
  });
}

function sources(): { path: string; text: string }[] {
  return WORDED.filter((top) => existsSync(resolve(root, top)))
    .flatMap((top) => walk(resolve(root, top)))
    .map((path) => path.split('\\').join('/'))
    .filter((path) => /\.(ts|js|html)$/.test(path))
    .filter((path) => !/\.test\.ts$|\/testdata\//.test(path))
    .map((path) => ({ path, text: readFileSync(resolve(root, path), 'utf8') }));
}

// A key is a quoted literal, in code (`t('alerts.ack')`, `key: 'alert.detail.above'`) or in a page
// (`data-i18n="login.submit"`); keys are never assembled from pieces, except in the families above.
const QUOTED = /(['"`])([a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+)\1/g;
const named = new Map<string, string>();
for (const { path, text } of sources())
  for (const m of text.matchAll(QUOTED)) named.set(m[2] as string, named.get(m[2] as string) ?? path);
const namespaces = new Set(keys.map((k) => k.split('.')[0]));
const FILE_NAME = /\.(js|ts|json|html|css|md|cjs|svg|png)$/;

/**
 * Where two messages disagree on their arguments: a name only one has, or a different format. A plural
 * selects words by a number, so it may face a plain `{count}` elsewhere, or nothing in a language
 * without plural forms (Indonesian words a count once, whatever it is).
 */
function argumentsDiffer(a: string, b: string): boolean {
  const types = (message: string) =>
    new Map(placeholders(message).map((p) => [p.split(':')[0], p.split(':')[1] ?? 'plain'] as const));
  const [ta, tb] = [types(a), types(b)];
  const plural = (t: string | undefined) => t === 'plural' || t === 'plain';
  for (const name of new Set([...ta.keys(), ...tb.keys()])) {
    const [x, y] = [ta.get(name), tb.get(name)];
    if (x === undefined || y === undefined) {
      if ((x ?? y) !== 'plural') return true;
    } else if (x !== y && !(plural(x) && plural(y))) return true;
  }
  return false;
}

describe('message catalogues', () => {
  it.each(others)('%s has exactly the keys of the first language', (lang) => {
    const theirs = Object.keys(catalogue(lang));
    expect(
      keys.filter((k) => !theirs.includes(k)),
      `missing in ${lang}`,
    ).toEqual([]);
    expect(
      theirs.filter((k) => !keys.includes(k)),
      `only in ${lang}`,
    ).toEqual([]);
  });

  it.each(others)('%s takes the same placeholders in every message', (lang) => {
    const theirs = catalogue(lang);
    const differ = keys.filter((k) => argumentsDiffer(reference[k] ?? '', theirs[k] ?? ''));
    expect(differ.map((k) => `${k}: ${reference[k]} | ${theirs[k]}`)).toEqual([]);
  });

  it('names no key the catalogue lacks', () => {
    const missing = [...named]
      .filter(([k]) => namespaces.has(k.split('.')[0]) && !FILE_NAME.test(k) && !(k in reference))
      .map(([k, path]) => `${k} (${path})`);
    expect(missing).toEqual([]);
  });

  it('holds no key that nothing uses', () => {
    const unused = keys.filter((k) => !named.has(k) && family(k) === undefined);
    expect(unused).toEqual([]);
  });

  it.each(Object.entries(FAMILIES))('covers the %s family exactly', (prefix, values) => {
    const present = keys.filter((k) => k.startsWith(prefix)).map((k) => k.slice(prefix.length));
    expect(
      values.filter((v) => !present.includes(v)),
      `values without a ${prefix} key`,
    ).toEqual([]);
    expect(
      present.filter((v) => !values.includes(v)),
      `${prefix} keys for nothing`,
    ).toEqual([]);
  });

  it('keeps official terms in every language: regulations by their citation, ISPU categories by name', () => {
    const regulations = standards.filter((s) => /\b(PP|Permen|Permenkes)\b/.test(s.title)).map((s) => s.id);
    expect(regulations.length).toBeGreaterThan(3);
    for (const lang of others) {
      const theirs = catalogue(lang);
      for (const id of regulations) expect(theirs[`standard.${id}`], id).toBe(reference[`standard.${id}`]);
      for (const key of keys.filter((k) => /^ispu\.[a-z_]+$/.test(k) && !k.includes('chip'))) {
        expect(theirs[key]?.startsWith(reference[key] ?? '?'), key).toBe(true);
      }
    }
  });

  it('merges the files of a language and refuses a key that two of them hold', () => {
    const dir = mkdtempSync(join(tmpdir(), 'catalogue-'));
    const write = (name: string, messages: object) => {
      writeFileSync(join(dir, name), JSON.stringify(messages));
      return join(dir, name);
    };
    const main = write('id.json', { 'a.one': 'satu' });
    const part = write('part.json', { 'b.two': 'dua {n}' });
    expect(readCatalogue([main, part])).toEqual({ 'a.one': 'satu', 'b.two': 'dua {n}' });
    const clash = write('clash.json', { 'a.one': 'lagi' });
    expect(() => readCatalogue([main, clash])).toThrow(/"a\.one" is already in .*id\.json/);
    expect(() => readCatalogue([write('bad.json', { 'c.x': 'tutup }' })])).toThrow(/"c\.x"/);
  });

  it('tells messages whose arguments differ', () => {
    expect(argumentsDiffer('{a} {b, measure}', '{b, measure} {a}')).toBe(false);
    expect(argumentsDiffer('{a}', '{a} {b}')).toBe(true);
    expect(argumentsDiffer('{a, measure}', '{a, duration}')).toBe(true);
    expect(argumentsDiffer('stasiun', '{n, plural, one {station} other {stations}}')).toBe(false);
    expect(argumentsDiffer('{n} titik', '{n, plural, one {# point} other {# points}}')).toBe(false);
  });

  it('finds the usages it checks (the scan is not vacuous)', () => {
    expect(named.get('login.submit')).toBe('dashboards/public/login.html');
    expect(named.has('alert.detail.above')).toBe(true);
    expect(named.has('notify.event.escalated')).toBe(true);
  });
});
