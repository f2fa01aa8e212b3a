import { readFileSync } from 'node:fs';
import { join } from 'node:path';

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
  'history-text.js',
  'login.js',
  'render.js',
  'chart.js',
  'dom.js',
  'style.css',
  // The QA page (issue 15): shell, views, their strings, helpers and styles.
  'qa.html',
  'qa.js',
  'qa-api.js',
  'qa-panel.js',
  'qa-strings.js',
  'maintenance.js',
  'maintenance-strings.js',
  'calibrations.js',
  'calibration-strings.js',
  'qa.css',
] as const;

export type Asset = { body: Buffer; type: string };

/**
 * The console's files, read once into memory. A fixed list, looked up by exact name: there is no path
 * to traverse, and a file not listed here is never served.
 */
export function loadAssets(dir = PUBLIC_DIR): Map<string, Asset> {
  const assets = new Map<string, Asset>();
  for (const name of ASSET_NAMES) {
    const ext = name.slice(name.lastIndexOf('.') + 1);
    assets.set(name, { body: readFileSync(join(dir, name)), type: TYPES[ext] ?? 'application/octet-stream' });
  }
  return assets;
}
