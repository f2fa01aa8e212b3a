// Messages with ICU-style placeholders, formatted the same way in Node (flows, console server) and in
// the browser, which loads this very file as /lib/i18n/message.js. Plain JavaScript whose one import is
// lib/units' display table by its relative path (served at /lib/units/display.js), so it runs on both
// sides without a build step; its types are in message.d.ts.
//
// The syntax is a subset of ICU MessageFormat:
//   {name}                          the parameter: a number in the language's format, a string as it is
//   {name, measure}                 a measured value: four significant digits ("55,4", "6.113")
//   {name, duration}                seconds as people say them ("3 mnt 5 dtk", "3 min 5 s")
//   {name, averaging}               an averaging period as standards write it ("24h" -> "24 jam")
//   {name, datetime}                epoch ms or ISO text, in Depok time ("1 Des 2026 14.05 WIB")
//   {name, plural, =0 {..} one {..} other {..}}   with # for the number (Intl.PluralRules)
//   {name, select, a {..} other {..}}
// There is no quoting: a message cannot hold a literal brace.

import { displayUnit } from '../units/display.js';

/** Depok's time zone: every time the product shows is WIB (UTC+7), whatever the viewer's zone. */
export const TIME_ZONE = 'Asia/Jakarta';

const TYPES = ['measure', 'duration', 'averaging', 'datetime', 'plural', 'select'];
const parsed = new Map();

/** The message as a tree: strings, `#`, and arguments {name, type, options}. Cached per pattern. */
export function parse(pattern) {
  let tree = parsed.get(pattern);
  if (!tree) {
    const state = { text: pattern, at: 0 };
    tree = parseNodes(state, false);
    if (state.at < pattern.length) throw new SyntaxError(`unbalanced "}" in message: ${pattern}`);
    parsed.set(pattern, tree);
  }
  return tree;
}

function parseNodes(state, inPlural) {
  const nodes = [];
  let text = '';
  while (state.at < state.text.length) {
    const c = state.text[state.at];
    if (c === '}') break;
    if (c === '{') {
      if (text) nodes.push(text);
      text = '';
      state.at++;
      nodes.push(parseArgument(state));
    } else if (c === '#' && inPlural) {
      if (text) nodes.push(text);
      text = '';
      nodes.push({ hash: true });
      state.at++;
    } else {
      text += c;
      state.at++;
    }
  }
  if (text) nodes.push(text);
  return nodes;
}

function readUntil(state, stops) {
  const from = state.at;
  while (state.at < state.text.length && !stops.includes(state.text[state.at])) state.at++;
  if (state.at >= state.text.length) throw new SyntaxError(`unclosed "{" in message: ${state.text}`);
  return state.text.slice(from, state.at).trim();
}

function parseArgument(state) {
  const name = readUntil(state, ',}');
  if (!/^[A-Za-z_][\w.]*$/.test(name)) throw new SyntaxError(`bad argument name "${name}" in: ${state.text}`);
  if (state.text[state.at++] === '}') return { name };
  const type = readUntil(state, ',}');
  if (!TYPES.includes(type)) throw new SyntaxError(`unknown type "${type}" in: ${state.text}`);
  if (state.text[state.at++] === '}') return { name, type };
  if (type !== 'plural' && type !== 'select') {
    throw new SyntaxError(`"${type}" takes no options in: ${state.text}`);
  }
  const options = {};
  for (;;) {
    const selector = readUntil(state, '{}');
    if (state.text[state.at] === '}') {
      if (selector) throw new SyntaxError(`option "${selector}" has no message in: ${state.text}`);
      state.at++;
      break;
    }
    state.at++;
    options[selector] = parseNodes(state, type === 'plural');
    if (state.text[state.at++] !== '}') throw new SyntaxError(`unclosed option in: ${state.text}`);
  }
  if (!options.other) throw new SyntaxError(`"${name}" needs an "other" option in: ${state.text}`);
  return { name, type, options };
}

/** The arguments a message takes, as `name` or `name:type`, sorted (both languages must agree). */
export function placeholders(pattern) {
  const found = new Set();
  const walk = (nodes) => {
    for (const node of nodes) {
      if (typeof node !== 'object' || node.hash) continue;
      found.add(node.type ? `${node.name}:${node.type}` : node.name);
      for (const option of Object.values(node.options ?? {})) walk(option);
    }
  };
  walk(parse(pattern));
  return [...found].sort();
}

const DURATION = /^(\d+(?:\.\d+)?)\s*(min|[smhdy])$/;
const DURATION_KEYS = {
  s: 'duration.second',
  min: 'duration.minute',
  m: 'duration.minute',
  h: 'duration.hour',
  d: 'duration.day',
  y: 'duration.year',
};

/**
 * The translator of one language: `t(key, params)` and the formats the messages use. A key missing from
 * the catalogue comes back as the key itself, so a gap shows on the page instead of an empty label
 * (lib/i18n/catalogue.test.ts keeps the shipped catalogues complete).
 */
export function createTranslator(lang, messages) {
  const locale = messages['meta.locale'] ?? lang;
  const numberFormats = new Map();
  const numberFormat = (options = {}) => {
    const id = JSON.stringify(options);
    let f = numberFormats.get(id);
    if (!f) {
      f = new Intl.NumberFormat(locale, options);
      numberFormats.set(id, f);
    }
    return f;
  };
  const plurals = new Intl.PluralRules(locale);
  const dateParts = new Intl.DateTimeFormat(locale, {
    timeZone: TIME_ZONE,
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  });

  const has = (key) => Object.hasOwn(messages, key);
  const t = (key, params = {}) => (has(key) ? render(parse(messages[key]), params) : key);

  const number = (n, options) => (Number.isFinite(n) ? numberFormat(options).format(n) : '-');
  const measure = (n) => number(n, { maximumSignificantDigits: 4 });

  function duration(seconds) {
    if (typeof seconds !== 'number' || !Number.isFinite(seconds)) return '-';
    const sign = seconds < 0 ? '-' : '';
    const s = Math.abs(seconds);
    if (s < 60) return sign + t('duration.second', { n: measure(s) });
    const pair = (n, per, big, small) => {
      const hi = Math.floor(n / per);
      const lo = n - hi * per;
      return sign + t(big, { n: hi }) + (lo === 0 ? '' : ` ${t(small, { n: lo })}`);
    };
    const secs = Math.round(s);
    if (secs < 3600) return pair(secs, 60, 'duration.minute', 'duration.second');
    const mins = Math.round(s / 60);
    if (mins < 1440) return pair(mins, 60, 'duration.hour', 'duration.minute');
    return pair(Math.round(s / 3600), 24, 'duration.day', 'duration.hour');
  }

  /** "24h" -> "24 jam"; a period that is no duration ("grab") by its own key, else as written. */
  function averaging(text) {
    const m = DURATION.exec(String(text).trim());
    if (m) return t(DURATION_KEYS[m[2]], { n: measure(Number(m[1])) });
    const key = `averaging.${text}`;
    return has(key) ? t(key) : String(text);
  }

  /** Epoch ms or ISO text in WIB; `seconds` adds them. "-" for no time. */
  function dateTime(value, options = {}) {
    const ms = typeof value === 'number' ? value : Date.parse(value ?? '');
    if (!Number.isFinite(ms)) return '-';
    const parts = {};
    for (const p of dateParts.formatToParts(ms)) parts[p.type] = p.value;
    return t(options.seconds ? 'format.datetime_seconds' : 'format.datetime', parts);
  }

  /** A unit code as people write it in this language ("ug/m3" -> "µg/m³"), lib/units/display.js. */
  const unit = (code) => displayUnit(code, lang);

  /** A value with its unit; seconds (staleness) as a duration, never "185 s". */
  const amount = (value, code) => (code === 's' ? duration(value) : `${measure(value)} ${unit(code)}`.trim());

  const FORMATS = { measure, duration, averaging, datetime: dateTime };

  function render(nodes, params, pluralValue) {
    let out = '';
    for (const node of nodes) {
      if (typeof node === 'string') out += node;
      else if (node.hash) out += number(pluralValue);
      else out += argument(node, params);
    }
    return out;
  }

  function argument(node, params) {
    const value = params[node.name];
    if (value === undefined || value === null) return `{${node.name}}`;
    if (node.type === 'plural') {
      const n = Number(value);
      const option = node.options[`=${n}`] ?? node.options[plurals.select(n)] ?? node.options.other;
      return render(option, params, n);
    }
    if (node.type === 'select') return render(node.options[String(value)] ?? node.options.other, params);
    const format = node.type && FORMATS[node.type];
    if (format) return format(value);
    return typeof value === 'number' ? number(value) : String(value);
  }

  return { lang, locale, has, t, number, measure, duration, averaging, dateTime, unit, amount };
}
