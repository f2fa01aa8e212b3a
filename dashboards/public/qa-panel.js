import { formatTime, formatValue, h } from './dom.js';
import { fieldLabel, fieldLabels } from './field-label.js';
import { errorText, kindTitle, t, words } from './i18n.js';
import { WINDOW_TYPES } from './maintenance.js';
import { api, formValues, wibInput } from './qa-api.js';
import { captureView } from './qa-capture.js';

// The QA panel of one station: its values in a range with their states (provisional, validated,
// invalid), the maintenance windows over the range, the decisions so far, and a form to decide.
const HOUR = 3_600_000;
const MAX_ROWS = 1000;
const STATES = {
  provisional: 'qa.state.provisional',
  validated: 'qa.state.validated',
  invalid: 'qa.state.invalid',
};
const FILTERS = {
  raw: 'qa.filter.raw',
  provisional: 'qa.filter.provisional',
  validated: 'qa.filter.validated',
};
const DECISIONS = { valid: 'qa.decision.valid', invalid: 'qa.decision.invalid' };
const refused = (res) => t('qa.refused', { error: errorText(res.body, res.status) });

function stationPicker(stations, current) {
  const select = h(
    'select',
    { name: 'station', onchange: (e) => (location.hash = `#/station/${encodeURIComponent(e.target.value)}`) },
    h('option', { value: '' }, t('qa.choose_station')),
    stations.map((s) =>
      h('option', { value: s.id, selected: s.id === current }, `${s.id} (${kindTitle(s.kind)})`),
    ),
  );
  return h('label', {}, t('qa.station'), select);
}

/** Rows by time, a cell per field, each coloured by its state; the reason of an invalid one as a tooltip. */
function valuesTable(data, kind) {
  const rows = new Map();
  for (const s of data.series)
    for (const p of s.points) {
      if (!rows.has(p.t)) rows.set(p.t, {});
      rows.get(p.t)[s.field] = p;
    }
  const times = [...rows.keys()].sort((a, b) => a - b).slice(0, MAX_ROWS);
  if (times.length === 0) return h('p', { class: 'muted' }, t('qa.no_values'));
  const cell = (p) =>
    p
      ? h(
          'td',
          { class: `state-${p.state}`, title: p.reason ?? (STATES[p.state] ? t(STATES[p.state]) : p.state) },
          formatValue(p.value),
        )
      : h('td', {}, '');
  return h(
    'div',
    {},
    data.truncated || rows.size > MAX_ROWS ? h('p', { class: 'error' }, t('qa.truncated')) : null,
    h(
      'p',
      { class: 'legend' },
      Object.entries(STATES).map(([state, key]) => h('span', { class: `state-${state}` }, t(key))),
    ),
    // A column per field, named in full: the table scrolls sideways, not the page.
    h(
      'div',
      { class: 'table-scroll' },
      h(
        'table',
        { class: 'qa-values' },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            h('th', {}, t('qa.time')),
            data.series.map((s) => h('th', {}, fieldLabel(kind, s.field), ` (${words().unit(s.unit)})`)),
          ),
        ),
        h(
          'tbody',
          {},
          times.map((time) =>
            h(
              'tr',
              {},
              h('td', { class: 'nowrap' }, formatTime(time)),
              data.series.map((s) => cell(rows.get(time)[s.field])),
            ),
          ),
        ),
      ),
    ),
  );
}

function windowList(windows, kind) {
  if (windows.length === 0) return null;
  return h(
    'div',
    {},
    h('h3', {}, t('qa.windows_title')),
    h(
      'ul',
      {},
      windows.map((w) =>
        h(
          'li',
          {},
          `#${w.id} ${WINDOW_TYPES[w.type] ? t(WINDOW_TYPES[w.type]) : w.type} (`,
          w.fields ? fieldLabels(kind, w.fields) : t('maintenance.all_fields'),
          '): ',
          formatTime(w.start),
          ' - ',
          w.end ? formatTime(w.end) : '...',
        ),
      ),
    ),
  );
}

function decideForm(id, kind, fields, range, onDone) {
  const message = h('p', { role: 'status' });
  const form = h(
    'form',
    { class: 'qa', id: 'decide' },
    h(
      'fieldset',
      {},
      h('legend', {}, t('qa.fields')),
      fields.map((f) =>
        h(
          'label',
          {},
          h('input', { type: 'checkbox', name: 'fields', value: f.field }),
          fieldLabel(kind, f.field),
        ),
      ),
    ),
    h(
      'label',
      {},
      t('qa.from'),
      h('input', { type: 'datetime-local', name: 'from', value: range.from, required: true }),
    ),
    h(
      'label',
      {},
      t('qa.to'),
      h('input', { type: 'datetime-local', name: 'to', value: range.to, required: true }),
    ),
    h(
      'label',
      {},
      t('qa.decision'),
      h(
        'select',
        { name: 'decision' },
        Object.entries(DECISIONS).map(([v, key]) => h('option', { value: v }, t(key))),
      ),
    ),
    h('label', {}, t('qa.reason'), h('input', { name: 'reason', maxlength: 500 })),
    h('button', { type: 'submit' }, t('qa.record')),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const body = formValues(form);
    body.station = id;
    body.fields = [body.fields ?? []].flat();
    const res = await api('POST', '/api/validations', body);
    const v = res.body.validation;
    message.textContent = res.ok ? t('qa.recorded', { id: v?.id, points: v?.points }) : refused(res);
    if (res.ok) onDone();
  });
  return h('section', {}, h('h3', {}, t('qa.decide_title')), form, message);
}

function decisionList(decisions, kind) {
  if (decisions.length === 0) return h('p', { class: 'muted' }, t('qa.no_decisions'));
  return h(
    'ul',
    { class: 'decisions' },
    decisions.map((d) =>
      h(
        'li',
        { 'data-decision-id': d.id },
        `#${d.id} `,
        fieldLabels(kind, d.fields),
        ': ',
        formatTime(d.from),
        ' - ',
        formatTime(d.to),
        ` ${DECISIONS[d.decision] ? t(DECISIONS[d.decision]) : d.decision}${d.reason ? ` (${d.reason})` : ''} `,
        h('small', {}, t('qa.decided_by', { user: d.decided_by }), ' ', formatTime(d.decided_at)),
      ),
    ),
  );
}

export async function panelView({ me, stations, station }) {
  const view = h('section', { class: 'qa-panel' });
  const picker = stationPicker(stations, station);
  if (!station) {
    view.replaceChildren(picker);
    return view;
  }
  const detail = await api('GET', `/api/stations/${encodeURIComponent(station)}`);
  if (!detail.ok) {
    view.replaceChildren(picker, h('p', { class: 'error' }, refused(detail)));
    return view;
  }
  const fields = detail.body.kind?.fields ?? [];
  const kind = detail.body.station?.kind;
  const now = Date.now();
  const range = { from: wibInput(now - 24 * HOUR), to: wibInput(now) };
  const results = h('div', { id: 'qa-results' });
  const history = h('div', { id: 'qa-history' });
  const controls = h(
    'form',
    { class: 'qa', id: 'qa-range' },
    picker,
    h('label', {}, t('qa.from'), h('input', { type: 'datetime-local', name: 'from', value: range.from })),
    h('label', {}, t('qa.to'), h('input', { type: 'datetime-local', name: 'to', value: range.to })),
    h(
      'label',
      {},
      t('qa.show'),
      h(
        'select',
        { name: 'state' },
        Object.entries(FILTERS).map(([v, key]) => h('option', { value: v }, t(key))),
      ),
    ),
    h('button', { type: 'submit' }, t('qa.load')),
  );
  const load = async () => {
    const query = new URLSearchParams(formValues(controls));
    query.delete('station');
    const [data, decisions] = await Promise.all([
      api('GET', `/api/stations/${encodeURIComponent(station)}/data?${query}`),
      api('GET', `/api/validations?station=${encodeURIComponent(station)}&limit=50`),
    ]);
    const span = data.ok ? { from: Date.parse(data.body.from), to: Date.parse(data.body.to) } : undefined;
    results.replaceChildren(
      span ? await captureView(station, kind, span.from, span.to) : '',
      data.ok ? valuesTable(data.body, kind) : h('p', { class: 'error' }, refused(data)),
      // No windows: nothing (replaceChildren would write a null as the text "null").
      (data.ok && windowList(data.body.windows, kind)) || '',
    );
    history.replaceChildren(
      h('h3', {}, t('qa.history_title')),
      decisions.ok ? decisionList(decisions.body.validations, kind) : '',
    );
  };
  controls.addEventListener('submit', (event) => {
    event.preventDefault();
    load();
  });
  view.replaceChildren(
    controls,
    results,
    me.canValidate ? decideForm(station, kind, fields, range, load) : '',
    history,
  );
  await load();
  return view;
}
