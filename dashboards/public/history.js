import { h } from './dom.js';
import { historyText } from './history-text.js';

// The alert history page: cleared alerts, newest clear first, filtered by station, rule, kind and period
// (WIB), in pages with a cursor, and the same filters as CSV. The server keeps it to the user's scope.

const WIB_OFFSET_MS = 7 * 3_600_000;
const WEEK_MS = 7 * 86_400_000;
const FILTERS = ['station', 'rule', 'kind', 'from', 'to'];

const main = document.getElementById('history');
const asked = new URLSearchParams(location.search);
let t = historyText('id');
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
    h('option', { value: '' }, t.all),
    ...entries.map(([value, label]) => h('option', { value }, label)),
  );
}

/** A time on two lines (day, then time of day), so the table stays narrow. */
function when(iso) {
  const w = t.when(iso);
  return w ? h('span', { class: 'when' }, w.day, h('br'), w.clock) : t.none;
}

const amount = (value, unit) =>
  unit === 's' ? t.duration(value) : `${t.number(value)} ${value === null ? '' : (unit ?? '')}`.trim();

function row(e) {
  const acknowledged = e.acknowledged_at
    ? [
        when(e.acknowledged_at),
        h('br'),
        `${t.by} `,
        h('b', { class: 'by' }, e.acknowledged_by ?? t.none),
        e.comment && [h('br'), h('span', { class: 'comment' }, `"${e.comment}"`)],
      ]
    : t.none;
  return h(
    'tr',
    { 'data-id': e.id, 'data-station': e.station, 'data-kind': e.kind, 'data-rule': e.rule },
    h(
      'td',
      {},
      h('b', { class: 'station' }, e.station),
      h('br'),
      h('small', { class: 'muted' }, t.kinds[e.kind] ?? e.kind),
    ),
    h('td', {}, e.rule, e.standard && [h('br'), h('small', { class: 'muted standard' }, e.standard)]),
    h(
      'td',
      {},
      e.severity ? h('span', { class: `sev ${e.severity}` }, t.severities[e.severity] ?? e.severity) : t.none,
    ),
    h('td', { class: 'raised' }, when(e.raised_at)),
    h('td', { class: 'acknowledged' }, acknowledged),
    h('td', { class: 'escalated' }, when(e.escalated_at)),
    h('td', { class: 'cleared' }, when(e.cleared_at)),
    h('td', { class: 'duration' }, t.duration(e.duration_s)),
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
    error.textContent = `${t.failed}: ${answer.error ?? `HTTP ${res.status}`}`;
    return;
  }
  error.textContent = '';
  const rows = answer.rows.map(row);
  if (append) body.append(...rows);
  else body.replaceChildren(...rows);
  shown = (append ? shown : 0) + rows.length;
  cursor = answer.next_cursor;
  more.hidden = !cursor;
  count.textContent = shown === 0 ? t.empty : t.count(shown, Boolean(cursor));
  for (const e of answer.rows) rulesSeen.add(e.rule);
  document
    .getElementById('rules')
    .replaceChildren(...[...rulesSeen].sort().map((r) => h('option', { value: r })));
  // The filters stay in the address, so a reload or a shared link shows the same list.
  if (asked.has('lang')) params.set('lang', asked.get('lang'));
  history.replaceState(null, '', `?${params}`);
}

/** The page's elements, in the chosen language. */
function build() {
  const field = (name, control) => h('label', {}, t[name], ' ', control);
  csv = h('a', { id: 'csv', href: '/api/alerts/history.csv' }, t.csv);
  form = h(
    'form',
    { id: 'filters', class: 'filters' },
    field('station', h('select', { name: 'station' })),
    field('rule', h('input', { name: 'rule', list: 'rules', autocomplete: 'off' })),
    field('kind', h('select', { name: 'kind' })),
    field('from', h('input', { name: 'from', type: 'datetime-local' })),
    field('to', h('input', { name: 'to', type: 'datetime-local' })),
    h('button', { type: 'submit' }, t.apply),
    csv,
  );
  error = h('p', { id: 'error', class: 'error', role: 'alert' });
  count = h('p', { id: 'count', class: 'muted' });
  body = h('tbody');
  more = h('button', { id: 'more', type: 'button', hidden: true }, t.more);
  const head = h('thead', {}, h('tr', {}, ...Object.values(t.columns).map((label) => h('th', {}, label))));
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
  const me = await fetch('/api/me');
  if (me.status === 401) {
    location.href = '/login';
    return;
  }
  const principal = me.ok ? await me.json() : {};
  t = historyText(asked.get('lang') ?? principal.language);
  document.documentElement.lang = t.locale.slice(0, 2);
  document.title = t.pageTitle;
  document.getElementById('page-name').textContent = t.title;
  document.getElementById('back').replaceChildren(h('a', { href: '/' }, t.back));
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
    kinds.map((k) => [k, t.kinds[k] ?? k]),
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
