/**
 * Units as people write them (display.js: a table of the catalogue's ASCII codes and their display
 * forms). display.js is plain JavaScript because the browser loads it unbuilt, as lib/i18n/message.js,
 * which imports it, is loaded: every service that serves message.js serves this file too, at this path.
 */
export { displayUnit, UNIT_DISPLAY } from './display.js';

/** Where the browser finds display.js (message.js imports it as `../units/display.js`), and the file. */
export const UNITS_BROWSER_MODULE = {
  path: '/lib/units/display.js',
  file: new URL('./display.js', import.meta.url),
} as const;
