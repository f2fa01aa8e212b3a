import { t } from './i18n.js';

// The citizen report form and the "follow your report" box of the public page (issue 17), and the
// helpers citizen.js shares. What a person wrote goes on the page through text nodes only (`el`).

export const API = '/open/v1/citizen-reports';
export const CATEGORIES = [
  ['smell', 'citizen.category.smell'],
  ['smoke_burning', 'citizen.category.smoke_burning'],
  ['illegal_dumping', 'citizen.category.illegal_dumping'],
  ['full_waste_point', 'citizen.category.full_waste_point'],
  ['dirty_water', 'citizen.category.dirty_water'],
  ['no_water', 'citizen.category.no_water'],
  ['other', 'citizen.category.other'],
];
export const CATEGORY = Object.fromEntries(CATEGORIES);
export const STATUS = {
  new: 'citizen.status.new',
  approved: 'citizen.status.approved',
  rejected: 'citizen.status.rejected',
  resolved: 'citizen.status.resolved',
};

export const lang = () => document.documentElement.lang || 'id';
export const word = (key) => t(key);

/** An element with attributes and children; strings become text nodes, never markup. */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs))
    if (v !== undefined && v !== null) node.setAttribute(k, String(v));
  for (const child of children.flat()) if (child !== null && child !== undefined) node.append(child);
  return node;
}
export const worded = (tag, key, attrs = {}) => el(tag, { ...attrs, 'data-i18n': key }, word(key));

// Phones take photos larger than the API's 3 MB: the browser shrinks them first (which also drops
// their EXIF); the server decodes and re-encodes whatever arrives anyway.
const PHOTO_SIDE = 1600;

async function shrink(file) {
  try {
    const bitmap = await createImageBitmap(file);
    const scale = Math.min(1, PHOTO_SIDE / Math.max(bitmap.width, bitmap.height));
    const canvas = document.createElement('canvas');
    canvas.width = Math.round(bitmap.width * scale);
    canvas.height = Math.round(bitmap.height * scale);
    canvas.getContext('2d').drawImage(bitmap, 0, 0, canvas.width, canvas.height);
    const blob = await new Promise((resolve) => canvas.toBlob(resolve, 'image/jpeg', 0.85));
    return blob ?? file;
  } catch {
    return file; // the browser cannot decode it: send it as it is, the server decides
  }
}

function base64(blob) {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(blob);
  });
}

async function problemText(res) {
  const body = await res.json().catch(() => ({}));
  return typeof body.error === 'string' ? body.error : `HTTP ${res.status}`;
}

export function buildForm(section, pick) {
  const category = el(
    'select',
    { name: 'category', id: 'citizen-category', required: '' },
    CATEGORIES.map(([value, key]) => el('option', { value, 'data-i18n': key }, word(key))),
  );
  const description = el('textarea', {
    name: 'description',
    id: 'citizen-description',
    required: '',
    maxlength: 2000,
    rows: 4,
  });
  const where = el(
    'p',
    { class: 'citizen-where', id: 'citizen-where', 'data-i18n': 'citizen.form.location_hint' },
    word('citizen.form.location_hint'),
  );
  const locate = worded('button', 'citizen.form.use_my_location', { type: 'button', id: 'citizen-locate' });
  const photo = el('input', { type: 'file', name: 'photo', id: 'citizen-photo', accept: 'image/*' });
  const contact = el('input', {
    name: 'contact',
    id: 'citizen-contact',
    maxlength: 200,
    autocomplete: 'tel',
  });
  const submit = worded('button', 'citizen.form.submit', { type: 'submit', id: 'citizen-submit' });
  const message = el('div', {
    class: 'citizen-message',
    id: 'citizen-message',
    role: 'status',
    'aria-live': 'polite',
  });
  const field = (key, control) => el('label', { class: 'citizen-field' }, worded('span', key), control);
  const form = el(
    'form',
    { class: 'citizen-form', id: 'citizen-form', novalidate: '' },
    field('citizen.form.category', category),
    field('citizen.form.description', description),
    el('div', { class: 'citizen-field' }, worded('span', 'citizen.form.location'), where, locate),
    field('citizen.form.photo', photo),
    field('citizen.form.contact', contact),
    submit,
    message,
  );
  locate.onclick = () =>
    navigator.geolocation?.getCurrentPosition(
      (p) => pick(p.coords.latitude, p.coords.longitude, true),
      () => (where.textContent = word('citizen.form.geolocation_failed')),
      { enableHighAccuracy: true, timeout: 10_000 },
    );
  form.onsubmit = async (event) => {
    event.preventDefault();
    const chosen = pick();
    message.className = 'citizen-message';
    if (!chosen) {
      message.textContent = word('citizen.error.location');
      message.classList.add('error');
      return;
    }
    submit.disabled = true;
    message.textContent = word('citizen.form.sending');
    try {
      const file = photo.files?.[0];
      const body = {
        category: category.value,
        description: description.value,
        lat: chosen.lat,
        lon: chosen.lon,
        ...(contact.value.trim() ? { contact: contact.value.trim() } : {}),
        ...(file ? { photo: await base64(await shrink(file)) } : {}),
      };
      const res = await fetch(`${API}?lang=${lang()}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'accept-language': lang() },
        body: JSON.stringify(body),
      });
      if (!res.ok) {
        message.textContent = await problemText(res);
        message.classList.add('error');
        return;
      }
      const { code } = await res.json();
      form.reset();
      message.replaceChildren(
        worded('span', 'citizen.form.sent'),
        ' ',
        el('strong', { class: 'citizen-code', id: 'citizen-code' }, code),
        el('br'),
        worded('small', 'citizen.form.sent_hint'),
      );
      message.classList.add('ok');
      document.getElementById('citizen-follow-code').value = code;
    } catch (err) {
      message.textContent = String(err?.message ?? err);
      message.classList.add('error');
    } finally {
      submit.disabled = false;
    }
  };
  section.append(
    worded('h2', 'citizen.form.title'),
    worded('p', 'citizen.form.intro', { class: 'muted' }),
    form,
  );
  return { where };
}

export function buildFollow(section) {
  const code = el('input', {
    id: 'citizen-follow-code',
    maxlength: 16,
    autocomplete: 'off',
    spellcheck: 'false',
  });
  const result = el('div', { id: 'citizen-follow-result', 'aria-live': 'polite' });
  const form = el(
    'form',
    { class: 'citizen-follow', id: 'citizen-follow' },
    el('label', { class: 'citizen-field' }, worded('span', 'citizen.follow.code'), code),
    worded('button', 'citizen.follow.submit', { type: 'submit' }),
    result,
  );
  form.onsubmit = async (event) => {
    event.preventDefault();
    const res = await fetch(`${API}/${encodeURIComponent(code.value.trim())}?lang=${lang()}`);
    if (!res.ok) {
      result.replaceChildren(el('p', { class: 'error' }, await problemText(res)));
      return;
    }
    const report = await res.json();
    result.replaceChildren(
      el(
        'p',
        {},
        worded('b', 'citizen.follow.status'),
        ': ',
        worded('span', STATUS[report.status] ?? report.status, { class: 'citizen-status' }),
      ),
      el(
        'p',
        {},
        worded('b', 'citizen.follow.answer'),
        ': ',
        report.public_answer
          ? el('span', { class: 'citizen-answer' }, report.public_answer)
          : worded('span', 'citizen.follow.no_answer'),
      ),
    );
  };
  section.append(el('div', { class: 'citizen-follow-box' }, worded('h3', 'citizen.follow.title'), form));
}
