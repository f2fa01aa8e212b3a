import { formatTime, formatValue, h } from './dom.js';
import { api, formValues, wibInput } from './qa-api.js';
import { QA_STRINGS as S } from './qa-strings.js';

// The QA panel of one station: its values in a range with their states (provisional, validated,
// invalid), the maintenance windows over the range, the decisions so far, and a form to decide.
const HOUR = 3_600_000;
const MAX_ROWS = 1000;

function stationPicker(stations, current) {
  const select = h(
    'select',
    { name: 'station', onchange: (e) => (location.hash = `#/station/${encodeURIComponent(e.target.value)}`) },
    h('option', { value: '' }, S.chooseStation),
    stations.map((s) => h('option', { value: s.id, selected: s.id === current }, `${s.id} (${s.kind})`)),
  );
  return h('label', {}, S.station, select);
}

/** Rows by time, a cell per field, each coloured by its state; the reason of an invalid one as a tooltip. */
function valuesTable(data) {
  const rows = new Map();
  for (const s of data.series)
    for (const p of s.points) {
      if (!rows.has(p.t)) rows.set(p.t, {});
      rows.get(p.t)[s.field] = p;
    }
  const times = [...rows.keys()].sort((a, b) => a - b).slice(0, MAX_ROWS);
  if (times.length === 0) return h('p', { class: 'muted' }, S.noValues);
  const cell = (p) =>
    p
      ? h('td', { class: `state-${p.state}`, title: p.reason ?? S.stateNames[p.state] }, formatValue(p.value))
      : h('td', {}, '');
  return h(
    'div',
    {},
    data.truncated || rows.size > MAX_ROWS ? h('p', { class: 'error' }, S.truncated) : null,
    h(
      'p',
      { class: 'legend' },
      Object.entries(S.stateNames).map(([state, name]) => h('span', { class: `state-${state}` }, name)),
    ),
    h(
      'table',
      { class: 'qa-values' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          h('th', {}, S.time),
          data.series.map((s) => h('th', {}, `${s.field} (${s.unit})`)),
        ),
      ),
      h(
        'tbody',
        {},
        times.map((t) =>
          h(
            'tr',
            {},
            h('td', {}, formatTime(t)),
            data.series.map((s) => cell(rows.get(t)[s.field])),
          ),
        ),
      ),
    ),
  );
}

function windowList(windows) {
  if (windows.length === 0) return null;
  return h(
    'div',
    {},
    h('h3', {}, S.windowsTitle),
    h(
      'ul',
      {},
      windows.map((w) =>
        h(
          'li',
          {},
          `#${w.id} ${w.type} ${w.fields?.join(', ') ?? ''}: `,
          formatTime(w.start),
          ' - ',
          w.end ? formatTime(w.end) : '...',
        ),
      ),
    ),
  );
}

function decideForm(id, fields, range, onDone) {
  const message = h('p', { role: 'status' });
  const form = h(
    'form',
    { class: 'qa', id: 'decide' },
    h(
      'fieldset',
      {},
      h('legend', {}, S.fields),
      fields.map((f) =>
        h('label', {}, h('input', { type: 'checkbox', name: 'fields', value: f.field }), f.field),
      ),
    ),
    h(
      'label',
      {},
      S.from,
      h('input', { type: 'datetime-local', name: 'from', value: range.from, required: true }),
    ),
    h('label', {}, S.to, h('input', { type: 'datetime-local', name: 'to', value: range.to, required: true })),
    h(
      'label',
      {},
      S.decision,
      h(
        'select',
        { name: 'decision' },
        Object.entries(S.decisions).map(([v, t]) => h('option', { value: v }, t)),
      ),
    ),
    h('label', {}, S.reason, h('input', { name: 'reason', maxlength: 500 })),
    h('button', { type: 'submit' }, S.record),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const body = formValues(form);
    body.station = id;
    body.fields = [body.fields ?? []].flat();
    const res = await api('POST', '/api/validations', body);
    message.textContent = res.ok ? S.recorded(res.body.validation) : S.failed(res.error);
    if (res.ok) onDone();
  });
  return h('section', {}, h('h3', {}, S.decideTitle), form, message);
}

function decisionList(decisions) {
  if (decisions.length === 0) return h('p', { class: 'muted' }, S.noDecisions);
  return h(
    'ul',
    { class: 'decisions' },
    decisions.map((d) =>
      h(
        'li',
        { 'data-decision-id': d.id },
        `#${d.id} ${d.fields.join(', ')}: `,
        formatTime(d.from),
        ' - ',
        formatTime(d.to),
        ` ${S.decisions[d.decision]}${d.reason ? ` (${d.reason})` : ''} `,
        h('small', {}, S.decidedBy(d), ' ', formatTime(d.decided_at)),
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
    view.replaceChildren(picker, h('p', { class: 'error' }, S.failed(detail.error)));
    return view;
  }
  const fields = detail.body.kind?.fields ?? [];
  const now = Date.now();
  const range = { from: wibInput(now - 24 * HOUR), to: wibInput(now) };
  const results = h('div', { id: 'qa-results' });
  const history = h('div', { id: 'qa-history' });
  const controls = h(
    'form',
    { class: 'qa', id: 'qa-range' },
    picker,
    h('label', {}, S.from, h('input', { type: 'datetime-local', name: 'from', value: range.from })),
    h('label', {}, S.to, h('input', { type: 'datetime-local', name: 'to', value: range.to })),
    h(
      'label',
      {},
      S.show,
      h(
        'select',
        { name: 'state' },
        Object.entries(S.states).map(([v, t]) => h('option', { value: v }, t)),
      ),
    ),
    h('button', { type: 'submit' }, S.load),
  );
  const load = async () => {
    const query = new URLSearchParams(formValues(controls));
    query.delete('station');
    const [data, decisions] = await Promise.all([
      api('GET', `/api/stations/${encodeURIComponent(station)}/data?${query}`),
      api('GET', `/api/validations?station=${encodeURIComponent(station)}&limit=50`),
    ]);
    results.replaceChildren(
      data.ok ? valuesTable(data.body) : h('p', { class: 'error' }, S.failed(data.error)),
      data.ok ? windowList(data.body.windows) : '',
    );
    history.replaceChildren(
      h('h3', {}, S.historyTitle),
      decisions.ok ? decisionList(decisions.body.validations) : '',
    );
  };
  controls.addEventListener('submit', (event) => {
    event.preventDefault();
    load();
  });
  view.replaceChildren(
    controls,
    results,
    me.canValidate ? decideForm(station, fields, range, load) : '',
    history,
  );
  await load();
  return view;
}
