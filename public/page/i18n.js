import { createTranslator, TIME_ZONE } from '/lib/i18n/message.js';

// The page's words: static files, so the language is chosen here, not by the server. Indonesian unless
// the visitor chose English (the switch, kept in localStorage) or the link says so (`?lang=en`). The
// catalogue is the one the console serves (/i18n/<lang>.json), formatted by lib/i18n's own code.

const LANGUAGES = ['id', 'en'];
const KEY = 'public_lang';

let tr = createTranslator('id', {});

function storedLanguage() {
  try {
    return localStorage.getItem(KEY);
  } catch {
    return null; // storage disabled (private mode): Indonesian
  }
}

export function pageLanguage() {
  const asked = new URLSearchParams(location.search).get('lang') ?? storedLanguage();
  return LANGUAGES.includes(asked) ? asked : 'id';
}

export async function loadCatalogue(lang) {
  const res = await fetch(`/i18n/${encodeURIComponent(lang)}.json`);
  tr = createTranslator(lang, res.ok ? await res.json() : {});
  document.documentElement.lang = lang;
}

export const t = (key, params) => tr.t(key, params);
export const words = () => tr;

/** A time's hour and minute in WIB, in the page's language ({hour: '14', minute: '05'}). */
export function wibClock(ms) {
  const clock = new Intl.DateTimeFormat(tr.locale, {
    timeZone: TIME_ZONE,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  });
  const parts = Object.fromEntries(clock.formatToParts(ms).map((p) => [p.type, p.value]));
  return { hour: parts.hour, minute: parts.minute };
}

/** Fills every `data-i18n` element's text and `data-i18n-<attr>` attribute from the catalogue. */
export function applyWords(root = document) {
  for (const el of root.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll('*')) {
    for (const { name, value } of [...el.attributes]) {
      if (name.startsWith('data-i18n-')) el.setAttribute(name.slice('data-i18n-'.length), t(value));
    }
  }
  document.title = t('public.title');
}

/** Wires the language <select>: the choice is kept and the page shown again in it. */
export function languageSwitch(onChange) {
  const select = document.getElementById('language');
  select.value = tr.lang;
  select.onchange = () => {
    try {
      localStorage.setItem(KEY, select.value);
    } catch {
      // not kept; this visit still switches
    }
    const url = new URL(location.href);
    url.searchParams.delete('lang');
    history.replaceState(null, '', url);
    onChange(select.value);
  };
}

/** Words of the sensor catalogue (`kind.<id>`, `field.<kind>.<field>`), else as given. */
export function kindTitle(kind) {
  return tr.has(`kind.${kind}`) ? tr.t(`kind.${kind}`) : kind;
}

export function fieldName(kind, field, fallback) {
  const key = `field.${kind}.${field}`;
  return tr.has(key) ? tr.t(key) : (fallback ?? field);
}
