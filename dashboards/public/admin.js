import { formatTime, h } from './dom.js';

// The audit log view for admins: filters, pages of 100 newest first, and the same filters as CSV.
const ACTIONS = [
  'login',
  'login_failed',
  'logout',
  'alert_acknowledged',
  'user_added',
  'user_changed',
  'user_removed',
  'token_added',
  'token_changed',
  'token_removed',
  'users_imported',
  'maintenance_added',
  'maintenance_changed',
  'maintenance_ended',
  'calibration_added',
  'data_validated',
];

const form = document.getElementById('filters');
const body = document.querySelector('#audit tbody');
const more = document.getElementById('more');
const error = document.getElementById('error');
const csv = document.getElementById('csv');
let cursor = null;

document.getElementById('actions').replaceChildren(...ACTIONS.map((a) => h('option', { value: a })));

/** The form as query parameters; datetime-local values are Depok time (WIB, UTC+7). */
function query() {
  const params = new URLSearchParams();
  for (const [key, value] of new FormData(form)) {
    const text = String(value).trim();
    if (!text) continue;
    params.set(key, key === 'from' || key === 'to' ? `${text}:00+07:00` : text);
  }
  return params;
}

const json = (value) => (value === null || value === undefined ? '' : JSON.stringify(value));

function row(e) {
  return h(
    'tr',
    { 'data-audit-id': e.id },
    h('td', {}, formatTime(e.at)),
    h('td', {}, e.actor, h('small', {}, ` (${e.via})`)),
    h('td', {}, e.action),
    h('td', {}, e.target),
    h('td', { class: 'json' }, json(e.before)),
    h('td', { class: 'json' }, json(e.after)),
    h('td', {}, e.address ?? ''),
  );
}

async function load(append) {
  const params = query();
  csv.href = `/api/admin/audit.csv?${params}`;
  if (append && cursor) params.set('cursor', cursor);
  const res = await fetch(`/api/admin/audit?${params}`);
  if (res.status === 401) {
    location.href = '/login';
    return;
  }
  const answer = await res.json().catch(() => ({}));
  if (!res.ok) {
    error.textContent = answer.error ?? `HTTP ${res.status}`;
    return;
  }
  error.textContent = '';
  const rows = answer.entries.map(row);
  if (append) body.append(...rows);
  else body.replaceChildren(...rows);
  cursor = answer.next_cursor;
  more.hidden = !cursor;
}

form.addEventListener('submit', (event) => {
  event.preventDefault();
  load(false);
});
more.addEventListener('click', () => load(true));
load(false);
