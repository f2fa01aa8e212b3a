import { formatDuration, formatTime, formatValue, h } from './dom.js';
import { errorText, kindTitle, languageSwitch, loadCatalogue, t, words } from './i18n.js';

// The alert history page: cleared alerts, newest clear first, filtered by station, rule, kind and period
// (WIB), in pages with a cursor, and the same filters as CSV. The server keeps it to the user's scope.

const WIB_OFFSET_MS = 7 * 3_600_000;
const WEEK_MS = 7 * 86_400_000;
const FILTERS = ['station', 'rule', 'kind', 'from', 'to'];

const main = document.getElementById('history');
const asked = new URLSearchParams(location.search);
let form;
let body;
let more;
let error;
let count;
let csv;
let cursor = null;
let shown = 0;
const rulesSeen = new Set();

/** A datetime-local value (minutes, Depok time) for an instant. */
const wibInput = (ms) => new Date(ms + WIB_OFFSET_MS).toISOString().slice(0, 16);

/** The form as filters; datetime-local values are Depok time (WIB, UTC+7). */
function filters() {
  const params = new URLSearchParams();
  for (const [key, value] of new FormData(form)) {
    const text = String(value).trim();
    if (text) params.set(key, text);
  }
  return params;
}

function apiQuery(params) {
  const q = new URLSearchParams(params);
  for (const key of ['from', 'to']) if (q.has(key)) q.set(key, `${q.get(key)}:00+07:00`);
  return q;
}

function options(select, entries) {
  select.replaceChildren(
    h('option', { value: '' }, t('history.all')),
    ...entries.map(([value, label]) => h('option', { value }, label)),
  );
}

const NONE = '-';
const SEVERITY = { critical: 'severity.critical', warning: 'severity.warning' };
const COLUMNS = [
  'history.column.station',
  'history.column.rule',
  'history.column.severity',
  'history.column.raised',
  'history.column.acknowledged',
  'history.column.escalated',
  'history.column.cleared',
  'history.column.duration',
  'history.column.value',
  'history.column.limit',
];

/** A time in WIB with seconds, from the shared formatter (lib/i18n), or "-" for none. */
const when = (iso) => (iso ? h('span', { class: 'when' }, formatTime(iso, { seconds: true })) : NONE);

const amount = (value, unit) =>
  unit === 's'
    ? formatDuration(value)
    : `${formatValue(value)} ${value === null ? '' : words().unit(unit)}`.trim();

function row(e) {
  const acknowledged = e.acknowledged_at
    ? [
        when(e.acknowledged_at),
        h('br'),
        t('history.by'),
        ' ',
        h('b', { class: 'by' }, e.acknowledged_by ?? NONE),
        e.comment && [h('br'), h('span', { class: 'comment' }, `"${e.comment}"`)],
      ]
    : NONE;
  return h(
    'tr',
    { 'data-id': e.id, 'data-station': e.station, 'data-kind': e.kind, 'data-rule': e.rule },
    h(
      'td',
      {},
      h('b', { class: 'station' }, e.station),
      h('br'),
      h('small', { class: 'muted' }, kindTitle(e.kind)),
    ),
    h('td', {}, e.rule, e.standard && [h('br'), h('small', { class: 'muted standard' }, e.standard)]),
    h(
      'td',
      {},
      e.severity
        ? h(
            'span',
            { class: `sev ${e.severity}` },
            SEVERITY[e.severity] ? t(SEVERITY[e.severity]) : e.severity,
          )
        : NONE,
    ),
    h('td', { class: 'raised' }, when(e.raised_at)),
    h('td', { class: 'acknowledged' }, acknowledged),
    h('td', { class: 'escalated' }, when(e.escalated_at)),
    h('td', { class: 'cleared' }, when(e.cleared_at)),
    h('td', { class: 'duration' }, formatDuration(e.duration_s)),
    h('td', { class: 'value' }, amount(e.raised_value, e.unit), ' → ', amount(e.cleared_value, e.unit)),
    h('td', { class: 'limit' }, amount(e.limit, e.unit)),
  );
}

async function load(append) {
  const params = filters();
  const q = apiQuery(params);
  csv.href = `/api/alerts/history.csv?${q}`;
  if (append && cursor) q.set('cursor', cursor);
  const res = await fetch(`/api/alerts/history?${q}`);
  if (res.status === 401) {
    location.href = '/login';
    return;
  }
  const answer = await res.json().catch(() => ({}));
  if (!res.ok) {
    error.textContent = t('history.failed', { error: errorText(answer, res.status) });
    return;
  }
  error.textContent = '';
  const rows = answer.rows.map(row);
  if (append) body.append(...rows);
  else body.replaceChildren(...rows);
  shown = (append ? shown : 0) + rows.length;
  cursor = answer.next_cursor;
  more.hidden = !cursor;
  count.textContent =
    shown === 0 ? t('history.empty') : t('history.count', { count: shown, more: cursor ? 'yes' : 'no' });
  for (const e of answer.rows) rulesSeen.add(e.rule);
  document
    .getElementById('rules')
    .replaceChildren(...[...rulesSeen].sort().map((r) => h('option', { value: r })));
  // The filters stay in the address, so a reload or a shared link shows the same list.
  history.replaceState(null, '', `?${params}`);
}

/** The page's elements, in the chosen language. */
function build() {
  const field = (key, control) => h('label', {}, t(key), ' ', control);
  csv = h('a', { id: 'csv', href: '/api/alerts/history.csv' }, t('history.csv'));
  form = h(
    'form',
    { id: 'filters', class: 'filters' },
    field('history.station', h('select', { name: 'station' })),
    field('history.rule', h('input', { name: 'rule', list: 'rules', autocomplete: 'off' })),
    field('history.kind', h('select', { name: 'kind' })),
    field('history.from', h('input', { name: 'from', type: 'datetime-local' })),
    field('history.to', h('input', { name: 'to', type: 'datetime-local' })),
    h('button', { type: 'submit' }, t('history.apply')),
    csv,
  );
  error = h('p', { id: 'error', class: 'error', role: 'alert' });
  count = h('p', { id: 'count', class: 'muted' });
  body = h('tbody');
  more = h('button', { id: 'more', type: 'button', hidden: true }, t('history.more'));
  const head = h('thead', {}, h('tr', {}, ...COLUMNS.map((key) => h('th', {}, t(key)))));
  main.replaceChildren(
    form,
    h('datalist', { id: 'rules' }),
    error,
    count,
    h('table', { id: 'episodes' }, head, body),
    more,
  );
}

async function start() {
  const [me] = await Promise.all([fetch('/api/me'), loadCatalogue()]);
  if (me.status === 401) {
    location.href = '/login';
    return;
  }
  const principal = me.ok ? await me.json() : {};
  languageSwitch(() => principal.via === 'session');
  build();

  // The station list is already kept to the user's scope by the server.
  const status = await fetch('/api/status').then((r) => (r.ok ? r.json() : { stations: [] }));
  const stations = status.stations ?? [];
  options(
    form.elements.station,
    stations.map((s) => [s.id, s.name ? `${s.id} (${s.name})` : s.id]),
  );
  const kinds = [...new Set(stations.map((s) => s.kind))].sort();
  options(
    form.elements.kind,
    kinds.map((k) => [k, kindTitle(k)]),
  );
  const now = Date.now();
  form.elements.from.value = wibInput(now - WEEK_MS);
  form.elements.to.value = wibInput(now + 60_000);
  for (const key of FILTERS) if (asked.has(key)) form.elements[key].value = asked.get(key);

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    load(false);
  });
  more.addEventListener('click', () => load(true));
  await load(false);
}

start();
