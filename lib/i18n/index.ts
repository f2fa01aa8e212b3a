import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_LANGUAGE, type Language, Languages } from '../records/access.ts';
import { createTranslator, parse, type Translator } from './message.js';

export type { Translator } from './message.js';
/**
 * The message catalogues (locales/<lang>.json and locales/<lang>/*.json, flat objects of key -> ICU-style
 * message per language) and the translators built on them, for Node: the flows word alerts and notifications with them, the
 * console serves them to the browser. Bahasa Indonesia is the default; English is available.
 */
export { DEFAULT_LANGUAGE, type Language, Languages };

/** The files of this folder the browser loads as modules (the console serves them at /lib/i18n/<name>). */
export const BROWSER_MODULES = ['message.js', 'alert-text.js'] as const;
export const I18N_DIR = new URL('./', import.meta.url);

export const isLanguage = (value: unknown): value is Language =>
  typeof value === 'string' && (Languages as readonly string[]).includes(value);

const catalogues = new Map<Language, Readonly<Record<string, string>>>();
const translators = new Map<Language, Translator>();

/**
 * A language's catalogue, read and checked once: every value a string, every message parseable, so a
 * broken catalogue stops start-up with the key that is wrong instead of showing half a sentence later.
 * It is `locales/<lang>.json` and every `locales/<lang>/*.json` (one file per part of the product, so
 * parts can add words without touching each other's files); a key in two files is refused.
 */
export function catalogue(lang: Language): Readonly<Record<string, string>> {
  let messages = catalogues.get(lang);
  if (!messages) {
    messages = readCatalogue(cataloguePaths(lang));
    catalogues.set(lang, messages);
  }
  return messages;
}

/** The files of a language's catalogue: the main file first, then its folder's files by name. */
export function cataloguePaths(lang: Language): string[] {
  const main = fileURLToPath(new URL(`./locales/${lang}.json`, import.meta.url));
  const folder = fileURLToPath(new URL(`./locales/${lang}/`, import.meta.url));
  const parts = existsSync(folder)
    ? readdirSync(folder)
        .filter((name) => name.endsWith('.json'))
        .sort()
        .map((name) => join(folder, name))
    : [];
  return [main, ...parts];
}

/** The messages of these files merged, each checked; a key in two files is refused. */
export function readCatalogue(paths: readonly string[]): Readonly<Record<string, string>> {
  const merged: Record<string, string> = {};
  const owner = new Map<string, string>();
  for (const path of paths) {
    for (const [key, value] of Object.entries(readMessages(path))) {
      const first = owner.get(key);
      if (first) throw new Error(`${path}: "${key}" is already in ${first}`);
      owner.set(key, path);
      merged[key] = value;
    }
  }
  return Object.freeze(merged);
}

function readMessages(path: string): Record<string, string> {
  const parsed: unknown = JSON.parse(readFileSync(path, 'utf8'));
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new Error(`${path}: not an object of messages`);
  }
  for (const [key, value] of Object.entries(parsed)) {
    if (typeof value !== 'string') throw new Error(`${path}: "${key}" is not a string`);
    try {
      parse(value);
    } catch (err) {
      throw new Error(`${path}: "${key}": ${(err as Error).message}`);
    }
  }
  return parsed as Record<string, string>;
}

/** The translator of a language (cached): `t(key, params)`, numbers, WIB times, durations. */
export function translator(lang: Language = DEFAULT_LANGUAGE): Translator {
  let tr = translators.get(lang);
  if (!tr) {
    tr = createTranslator(lang, catalogue(lang));
    translators.set(lang, tr);
  }
  return tr;
}

/**
 * The language an `Accept-Language` header asks for (RFC 9110 12.5.4): the supported language with the
 * highest q, by primary subtag (`en-US` is `en`); Indonesian when it names none we have, or is absent.
 */
export function negotiateLanguage(header: string | undefined): Language {
  if (!header) return DEFAULT_LANGUAGE;
  const wanted = header
    .split(',')
    .slice(0, 32)
    .map((part, order) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
      return { lang: tag.trim().toLowerCase().split('-')[0], q: q === undefined ? 1 : Number(q), order };
    })
    .filter((w) => w.q > 0 && Number.isFinite(w.q))
    .sort((a, b) => b.q - a.q || a.order - b.order);
  return wanted.map((w) => w.lang).find(isLanguage) ?? DEFAULT_LANGUAGE;
}
