// Fetch helpers of the QA views: JSON in and out; a lost login goes to the login page.
export async function api(method, url, body) {
  const init = { method, headers: {} };
  if (body !== undefined) {
    init.headers['content-type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const res = await fetch(url, init);
  if (res.status === 401) {
    location.href = '/login';
    return { ok: false, status: 401, body: {} };
  }
  const answer = await res.json().catch(() => ({}));
  return { ok: res.ok, status: res.status, body: answer, error: answer.error ?? `HTTP ${res.status}` };
}

const WIB_MS = 7 * 3_600_000;
/** A datetime-local value in Depok time (the API reads a zoneless time as WIB). */
export function wibInput(ms) {
  return new Date(ms + WIB_MS).toISOString().slice(0, 16);
}

/** Values of a form as an object; empty fields left out. */
export function formValues(form) {
  const out = {};
  for (const [key, value] of new FormData(form)) {
    const text = String(value).trim();
    if (text !== '') out[key] = key in out ? [out[key], text].flat() : text;
  }
  return out;
}
