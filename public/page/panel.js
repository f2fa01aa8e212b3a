import { lastDay } from './api.js';
import { lineChart } from './chart.js';
import { fieldName, kindTitle, t, words } from './i18n.js';
import { STATUSES, statusId, statusOf } from './status.js';

// The station panel: what a resident asks of one station. Everything is built with DOM calls and
// textContent, never innerHTML: station names come from a registry others edit.

/** The field drawn over the last 24 hours, per kind: the one people ask about first. */
const CHART_FIELD = { air_quality: 'pm25', wastewater: 'cod', water_network: 'pressure' };

const STATE_KEYS = {
  provisional: 'public.provisional',
  validated: 'public.state.validated',
  invalid: 'public.state.invalid',
};

function h(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') node.className = v;
    // Through CSSOM, not a style attribute: the page's CSP allows no inline styles.
    else if (k === 'style') Object.assign(node.style, v);
    else node.setAttribute(k, v);
  }
  for (const c of children) if (c !== undefined && c !== null) node.append(c);
  return node;
}

const dateTime = (ts) => (ts === undefined || ts === null ? '' : words().dateTime(ts));

function stateBadge(state) {
  const key = STATE_KEYS[state];
  if (!key) return undefined;
  return h('span', { class: `state state-${state}` }, t(key));
}

function ispuBlock(ispu) {
  const id = statusId(ispu.category);
  const s = STATUSES[id];
  const category = t(s.key);
  const block = h(
    'section',
    { class: 'ispu', 'aria-labelledby': 'ispu-heading' },
    h('h3', { id: 'ispu-heading' }, t('public.ispu_heading')),
    h(
      'p',
      { class: 'ispu-chip', style: { background: s.colour, color: s.text } },
      t('public.ispu_value', { ispu: Math.round(ispu.ispu), category }),
    ),
  );
  if (s.advice) block.append(h('p', { class: 'advice' }, t(s.advice)));
  block.append(
    h('p', { class: 'muted' }, t('public.ispu_at', { time: dateTime(ispu.time) })),
    h('p', { class: 'muted small' }, t('public.ispu_source')),
  );
  return block;
}

function valuesTable(station, latest) {
  const values = latest?.values ?? [];
  if (!values.length) return h('p', { class: 'muted' }, t('public.panel_no_values'));
  const units = new Map((station.parameters ?? []).map((p) => [p.field, p.unit]));
  // A station sends its fields together: one time for all is said once, above the table.
  const oneTime = values.every((v) => v.time === values[0].time);
  const body = h('tbody');
  for (const v of values) {
    const unit = v.unit ?? units.get(v.field);
    const amount = typeof v.value === 'number' ? words().amount(v.value, unit) : '–';
    body.append(
      h(
        'tr',
        { 'data-field': v.field },
        h('th', { scope: 'row' }, fieldName(station.kind, v.field)),
        h('td', { class: 'value' }, h('span', { class: 'amount' }, amount), stateBadge(v.state)),
        oneTime ? undefined : h('td', { class: 'time' }, dateTime(v.time)),
      ),
    );
  }
  const head = h(
    'tr',
    {},
    h('th', { scope: 'col' }, t('public.panel_parameter')),
    h('th', { scope: 'col' }, t('public.panel_value')),
    oneTime ? undefined : h('th', { scope: 'col' }, t('public.panel_time')),
  );
  const table = h('table', { class: 'values' }, h('thead', {}, head), body);
  if (!oneTime) return table;
  const when = h(
    'p',
    { class: 'muted' },
    t('public.panel_time'),
    ': ',
    h('time', {}, dateTime(values[0].time)),
  );
  const box = h('div', {}, when, table);
  return box;
}

async function chartBlock(station, now) {
  const field = CHART_FIELD[station.kind];
  const param = (station.parameters ?? []).find((p) => p.field === field);
  if (!param) return undefined;
  const name = fieldName(station.kind, field);
  const block = h('section', { class: 'chart-block' }, h('h3', {}, t('public.panel_chart', { field: name })));
  let points = [];
  try {
    points = await lastDay(station.id, field, now);
  } catch {
    points = [];
  }
  if (!points.length) {
    block.append(h('p', { class: 'muted' }, t('public.panel_chart_empty')));
    return block;
  }
  const tr = words();
  const vals = points.map((p) => p.value);
  const label = t('public.panel_chart_label', {
    field: name,
    min: tr.measure(Math.min(...vals)),
    max: tr.measure(Math.max(...vals)),
    unit: tr.unit(param.unit),
  });
  // Hourly means start on the hour: the first may begin before "24 hours ago".
  const from = Math.min(now - 86_400_000, points[0].ts);
  block.append(lineChart(points, { format: (n) => tr.measure(n), label, from, to: now }));
  if (points.some((p) => p.state === 'provisional')) block.append(stateBadge('provisional'));
  return block;
}

/** Fills the panel for a station; `districtName` turns a district id into the kecamatan's name. */
export async function showStation(panel, { station, latest, ispu, districtName, onClose, now = Date.now() }) {
  const status = statusOf(latest?.status);
  const close = h('button', { type: 'button', class: 'close', 'aria-label': t('public.panel_close') }, '×');
  close.onclick = onClose;
  panel.replaceChildren(
    h('header', { class: 'panel-head' }, h('h2', { id: 'panel-title' }, station.name), close),
    h(
      'p',
      { class: 'panel-status' },
      h('span', { class: 'dot', style: { background: status.colour } }),
      ' ',
      t(status.key),
    ),
    h(
      'dl',
      { class: 'meta' },
      h('dt', {}, t('public.panel_kind')),
      h('dd', {}, kindTitle(station.kind)),
      h('dt', {}, t('public.panel_operator')),
      h('dd', {}, station.operator ?? '–'),
      h('dt', {}, t('public.panel_district')),
      h('dd', {}, districtName(station.district) ?? '–'),
    ),
  );
  panel.setAttribute('aria-labelledby', 'panel-title');
  panel.dataset.station = station.id;
  if (ispu) panel.append(ispuBlock(ispu));
  panel.append(h('h3', {}, t('public.panel_values')), valuesTable(station, latest));
  panel.hidden = false;
  const chart = await chartBlock(station, now);
  if (chart && panel.dataset.station === station.id) panel.append(chart);
}
