import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BROWSER_MODULES, I18N_DIR, type Language, Languages, translator } from '../../lib/i18n/index.ts';
import { UNITS_BROWSER_MODULE } from '../../lib/units/index.ts';
import { renderPage } from './page-text.ts';

const PUBLIC_DIR = join(import.meta.dirname, '..', 'public');

const TYPES: Record<string, string> = {
  html: 'text/html; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  svg: 'image/svg+xml',
};

export const ASSET_NAMES = [
  'index.html',
  'login.html',
  'admin.html',
  'history.html',
  'app.js',
  'admin.js',
  'history.js',
  'login.js',
  'render.js',
  'station-state.js',
  'chart.js',
  'dom.js',
  'field-label.js',
  'i18n.js',
  'ispu.js',
  'style.css',
  // The QA page (issue 15): shell, views, helpers and styles.
  'qa.html',
  'qa.js',
  'qa-api.js',
  'qa-capture.js',
  'qa-panel.js',
  'maintenance.js',
  'calibrations.js',
  'qa.css',
  // The reports page (issue 16).
  'reports.html',
  'reports.js',
  'reports-delivery.js',
  // Citizen reports' moderation (issue 17).
  'citizen.html',
  'citizen.js',
  'citizen.css',
] as const;

/** A file as served; a page has one body per language, its words filled in from the catalogue. */
export type Asset = { body: Buffer; type: string; pages?: ReadonlyMap<Language, Buffer> };

const typeOf = (name: string) => TYPES[name.slice(name.lastIndexOf('.') + 1)] ?? 'application/octet-stream';

/**
 * The console's files, read once into memory. A fixed list, looked up by exact name: there is no path
 * to traverse, and a file not listed here is never served. lib/i18n's browser modules are listed as
 * `lib/i18n/<name>` (the pages import them by that path, as Node does from the source tree).
 */
export function loadAssets(dir = PUBLIC_DIR): Map<string, Asset> {
  const assets = new Map<string, Asset>();
  for (const name of ASSET_NAMES) {
    const body = readFileSync(join(dir, name));
    const asset: Asset = { body, type: typeOf(name) };
    if (name.endsWith('.html')) {
      const html = body.toString('utf8');
      asset.pages = new Map(
        Languages.map((lang) => [lang, Buffer.from(renderPage(html, translator(lang)), 'utf8')]),
      );
    }
    assets.set(name, asset);
  }
  for (const name of BROWSER_MODULES) {
    assets.set(`lib/i18n/${name}`, { body: readFileSync(new URL(name, I18N_DIR)), type: typeOf(name) });
  }
  // message.js imports the units' display table by its relative path (/lib/units/display.js).
  assets.set(UNITS_BROWSER_MODULE.path.slice(1), {
    body: readFileSync(UNITS_BROWSER_MODULE.file),
    type: TYPES.js as string,
  });
  return assets;
}
