import { formatTime, h } from './dom.js';
import { errorText, languageSwitch, loadCatalogue, t } from './i18n.js';

// The audit log view for admins: filters, pages of 100 newest first, and the same filters as CSV.
// Actions are filtered by their name (the datalist offers each with its label) and shown by their label.
const ACTIONS = {
  login: 'audit.action.login',
  login_failed: 'audit.action.login_failed',
  logout: 'audit.action.logout',
  alert_acknowledged: 'audit.action.alert_acknowledged',
  user_added: 'audit.action.user_added',
  user_changed: 'audit.action.user_changed',
  user_removed: 'audit.action.user_removed',
  token_added: 'audit.action.token_added',
  token_changed: 'audit.action.token_changed',
  token_removed: 'audit.action.token_removed',
  users_imported: 'audit.action.users_imported',
  maintenance_added: 'audit.action.maintenance_added',
  maintenance_changed: 'audit.action.maintenance_changed',
  maintenance_ended: 'audit.action.maintenance_ended',
  calibration_added: 'audit.action.calibration_added',
  data_validated: 'audit.action.data_validated',
  report_generated: 'audit.action.report_generated',
  report_downloaded: 'audit.action.report_downloaded',
  report_mailed: 'audit.action.report_mailed',
  report_mail_failed: 'audit.action.report_mail_failed',
  report_mail_retry: 'audit.action.report_mail_retry',
  report_pruned: 'audit.action.report_pruned',
  citizen_report_moderated: 'audit.action.citizen_report_moderated',
};
const VIA = {
  session: 'audit.via.session',
  token: 'audit.via.token',
  cli: 'audit.via.cli',
  system: 'audit.via.system',
};
const label = (keys, value) => (Object.hasOwn(keys, value) ? t(keys[value]) : value);

const form = document.getElementById('filters');
const body = document.querySelector('#audit tbody');
const more = document.getElementById('more');
const error = document.getElementById('error');
const csv = document.getElementById('csv');
let cursor = null;

await loadCatalogue();
languageSwitch(() => true);
document
  .getElementById('actions')
  .replaceChildren(...Object.keys(ACTIONS).map((a) => h('option', { value: a, label: label(ACTIONS, a) })));

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
    h('td', { class: 'nowrap' }, formatTime(e.at, { seconds: true })),
    h('td', {}, e.actor, ' ', h('small', {}, t('audit.via', { via: label(VIA, e.via) }))),
    h('td', { 'data-action': e.action, title: e.action }, label(ACTIONS, e.action)),
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
    error.textContent = errorText(answer, res.status);
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
