import { alertMessage } from '../../lib/i18n/alert-text.js';
import { createTranslator } from '../../lib/i18n/message.js';

// The console's words. The server renders each page in the viewer's language (<html lang>) and serves
// that language's catalogue at /i18n/<lang>.json; everything the scripts write comes from it through
// `t`. The formatting code is lib/i18n's own (served at /lib/i18n/), so the console words an alert
// exactly as the flows do, only in the viewer's language.

let tr = createTranslator('id', {});

/** Installs a catalogue (the page's, or a test's). */
export function useCatalogue(lang, messages) {
  tr = createTranslator(lang, messages);
}

/** Fetches the page language's catalogue; until it is in, keys show as themselves. */
export async function loadCatalogue() {
  const lang = document.documentElement.lang || 'id';
  const res = await fetch(`/i18n/${encodeURIComponent(lang)}.json`);
  useCatalogue(lang, res.ok ? await res.json() : {});
}

export const t = (key, params) => tr.t(key, params);
export const lang = () => tr.lang;
export const words = () => tr;

/** An alert's message in the viewer's language when its structured text allows (its field by name), else as it came. */
export const alertText = (alert) =>
  alertMessage(
    tr,
    alert.parameter ? { ...alert, parameter: fieldDescription(alert.kind, alert.parameter) } : alert,
  );

/** An error answer of the console's API in the viewer's language (its `code`), else its English text. */
export function errorText(body, status) {
  if (body && typeof body.code === 'string' && tr.has(body.code)) return tr.t(body.code, body.params ?? {});
  return body?.error ?? t('error.http', { status });
}

const COOKIE = 'console_lang';

/** The language chosen on the login page (before there is a user to save it for), if any. */
export function chosenLanguage() {
  const match = document.cookie.split('; ').find((c) => c.startsWith(`${COOKIE}=`));
  return match ? decodeURIComponent(match.slice(COOKIE.length + 1)) : undefined;
}

export function forgetChosenLanguage() {
  // biome-ignore lint/suspicious/noDocumentCookie: the server reads this cookie to render the page; every browser has document.cookie, not all have cookieStore.
  document.cookie = `${COOKIE}=; Path=/; Max-Age=0; SameSite=Strict`;
}

/** Saves the user's preference (logged in) or remembers the choice in a cookie, then shows the page in it. */
export async function switchLanguage(next, loggedIn) {
  if (loggedIn) {
    const res = await fetch('/api/me', {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ language: next }),
    });
    if (!res.ok) {
      const body = await res.json().catch(() => ({}));
      window.alert(errorText(body, res.status));
      return;
    }
  } else {
    // biome-ignore lint/suspicious/noDocumentCookie: as above, the server renders the next page in this language.
    document.cookie = `${COOKIE}=${encodeURIComponent(next)}; Path=/; Max-Age=31536000; SameSite=Strict`;
  }
  location.reload();
}

/** Wires the page's language <select id="language"> (rendered by the server with the current one chosen). */
export function languageSwitch(loggedIn) {
  const select = document.getElementById('language');
  if (!select) return;
  select.value = lang();
  select.onchange = () => switchLanguage(select.value, loggedIn());
}

/** Words of the sensor catalogue (lib/catalogue): `kind.<id>` and `field.<kind>.<field>`, else as served. */
export function kindTitle(kind, fallback) {
  return tr.has(`kind.${kind}`) ? tr.t(`kind.${kind}`) : (fallback ?? kind);
}

export function fieldDescription(kind, field, fallback) {
  const key = `field.${kind}.${field}`;
  return tr.has(key) ? tr.t(key) : (fallback ?? field);
}
