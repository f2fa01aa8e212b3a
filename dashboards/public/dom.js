import { t, words } from './i18n.js';

// The only way the console puts data on the page: elements built with the DOM API, text through text
// nodes. No innerHTML anywhere, so a station id or an alert message is always shown as text.

export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  setAttrs(el, attrs);
  append(el, children);
  return el;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

export function s(tag, attrs = {}, ...children) {
  const el = document.createElementNS(SVG_NS, tag);
  setAttrs(el, attrs);
  append(el, children);
  return el;
}

function setAttrs(el, attrs) {
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), value);
    else if (key === 'class') el.setAttribute('class', String(value));
    else el.setAttribute(key, value === true ? '' : String(value));
  }
}

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Depok local time (WIB, UTC+7) whatever the browser's zone, in the page's language. */
export function formatTime(value, options) {
  return words().dateTime(value, options);
}

export function formatAge(ms, now) {
  if (!Number.isFinite(ms)) return t('time.never');
  const s = Math.max(0, Math.round((now - ms) / 1000));
  const ago = (key, n) => t('time.ago', { age: t(key, { n }) });
  if (s < 90) return ago('duration.second', s);
  if (s < 5400) return ago('duration.minute', Math.round(s / 60));
  if (s < 172800) return ago('duration.hour', Math.round(s / 3600));
  return ago('duration.day', Math.round(s / 86400));
}

/** The step of the last digit formatValue shows at this magnitude (1, 0.1 or 0.01). */
function valueStep(value) {
  const abs = Math.abs(value);
  if (abs >= 1000) return 1;
  if (abs >= 10) return 0.1;
  return 0.01;
}

/** A reading with the decimals its magnitude deserves, in the language's format ("55,4" in Indonesian). */
export function formatValue(value) {
  if (typeof value !== 'number' || !Number.isFinite(value)) return '-';
  const digits = Math.round(-Math.log10(valueStep(value)));
  return words().number(value, { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** Seconds as people say them: "3,5 dtk", "3 mnt 5 dtk", "2 jam 10 mnt" (as the flows' messages do). */
export function formatDuration(seconds) {
  return words().duration(seconds);
}

/** An alert's value and limit; in seconds (staleness) they are durations, not "185.0 µg/m³"; units as people write them (lib/units). */
export function formatAlertValue(alert) {
  if (alert.unit === 's') return `${formatDuration(alert.value)} / ${formatDuration(alert.limit)}`;
  return `${formatValue(alert.value)} / ${formatValue(alert.limit)} ${words().unit(alert.unit)}`.trim();
}
