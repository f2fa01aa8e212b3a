import type { Translator } from '../../lib/i18n/index.ts';

/**
 * The console's HTML files hold no words: an element marked `data-i18n="key"` is left empty and filled
 * here from the catalogue, an attribute `data-i18n-<name>="key"` becomes `<name>="<message>"`, and
 * `<html lang>` says the language. Done once per language when the assets load, so each page arrives
 * in the viewer's language, before any script runs.
 */

const escapeHtml = (text: string) =>
  text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');

/** `<tag ... data-i18n="key" ...></tag>`: the element must be empty in the file (page-text.test.ts). */
const TEXT = /(<([a-z][a-z0-9]*)\b[^>]*\sdata-i18n="([^"]+)"[^>]*>)([^<]*)(<\/\2>)/g;
const ATTRIBUTE = /\sdata-i18n-([a-z][a-z-]*)="([^"]+)"/g;

export function renderPage(html: string, tr: Translator): string {
  return html
    .replace(/<html lang="[^"]*"/, `<html lang="${tr.lang}"`)
    .replace(TEXT, (_all, open: string, _tag, key: string, _text, close: string) =>
      [open, escapeHtml(tr.t(key)), close].join(''),
    )
    .replace(ATTRIBUTE, (_all, name: string, key: string) => ` ${name}="${escapeHtml(tr.t(key))}"`)
    .replace(`<option value="${tr.lang}"`, `<option value="${tr.lang}" selected`);
}

/** The keys a page names (the catalogue test checks they exist and counts them as used). */
export function pageKeys(html: string): string[] {
  const keys = [...html.matchAll(TEXT)].map((m) => m[3] as string);
  return [...keys, ...[...html.matchAll(ATTRIBUTE)].map((m) => m[2] as string)];
}

/** Marked elements that hold text in the file: words that would bypass the catalogue. */
export function wordsInPage(html: string): string[] {
  return [...html.matchAll(TEXT)].filter((m) => (m[4] as string).trim() !== '').map((m) => m[3] as string);
}
