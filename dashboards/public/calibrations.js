import { formatTime, h } from './dom.js';
import { fieldLabel } from './field-label.js';
import { errorText, t } from './i18n.js';
import { api, formValues } from './qa-api.js';

// The calibration log: every calibration of the stations in scope with its results, and a form for
// operators to log one (a calibration window on one field plus its readings).
const NUMBERS = ['zero_reading', 'span_reading', 'span_target', 'offset_applied'];
const COLUMNS = [
  'qa.time',
  'qa.station',
  'calibration.column.field',
  'calibration.column.zero',
  'calibration.column.span',
  'calibration.column.offset',
  'calibration.column.reference',
  'calibration.column.by',
  'qa.notes',
];

function table(calibrations, kinds) {
  if (calibrations.length === 0) return h('p', { class: 'muted' }, t('calibration.none'));
  const show = (v) => (v === null || v === undefined ? '-' : String(v));
  return h(
    'table',
    { class: 'calibrations' },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        COLUMNS.map((key) => h('th', {}, t(key))),
      ),
    ),
    h(
      'tbody',
      {},
      calibrations.map((w) => {
        const c = w.calibration ?? {};
        return h(
          'tr',
          { 'data-window-id': w.id },
          h('td', {}, formatTime(w.start)),
          h('td', {}, w.station),
          h('td', {}, c.field ? fieldLabel(kinds.get(w.station), c.field) : ''),
          h('td', {}, show(c.zero_reading)),
          h('td', {}, `${show(c.span_reading)} / ${show(c.span_target)}`),
          h('td', {}, show(c.offset_applied)),
          h('td', {}, c.reference),
          h('td', {}, w.who),
          h('td', {}, w.notes),
        );
      }),
    ),
  );
}

function addForm(stations, onAdded, message) {
  const number = (name, label) =>
    h('label', {}, label, h('input', { name, type: 'number', step: 'any', size: 7 }));
  const form = h(
    'form',
    { class: 'qa', id: 'add-calibration' },
    h(
      'label',
      {},
      t('qa.station'),
      h(
        'select',
        { name: 'station' },
        stations.map((s) => h('option', { value: s.id }, s.id)),
      ),
    ),
    h('label', {}, t('calibration.field'), h('input', { name: 'field', required: true, size: 10 })),
    h(
      'label',
      {},
      t('calibration.start'),
      h('input', { type: 'datetime-local', name: 'start', required: true }),
    ),
    h('label', {}, t('calibration.end'), h('input', { type: 'datetime-local', name: 'end' })),
    number('zero_reading', t('calibration.zero')),
    number('span_reading', t('calibration.span')),
    number('span_target', t('calibration.span_target')),
    number('offset_applied', t('calibration.offset')),
    h('label', {}, t('calibration.reference'), h('input', { name: 'reference', required: true })),
    h('label', {}, t('qa.who'), h('input', { name: 'who' })),
    h('label', {}, t('qa.notes'), h('input', { name: 'notes' })),
    h('button', { type: 'submit' }, t('calibration.add')),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const body = formValues(form);
    for (const key of NUMBERS) if (key in body) body[key] = Number(body[key]);
    const res = await api('POST', '/api/calibrations', body);
    message.textContent = res.ok
      ? t('calibration.added', { id: res.body.calibration?.id })
      : t('qa.refused', { error: errorText(res.body, res.status) });
    if (res.ok) onAdded();
  });
  return h('section', {}, h('h3', {}, t('calibration.add_title')), form);
}

export async function calibrationView({ me, stations }) {
  const view = h('section', { class: 'calibration-log' }, h('h2', {}, t('calibration.title')));
  const message = h('p', { role: 'status' });
  const list = h('div', { id: 'calibration-list' });
  const kinds = new Map(stations.map((s) => [s.id, s.kind]));
  const load = async () => {
    const res = await api('GET', '/api/calibrations?limit=500');
    list.replaceChildren(
      res.ok
        ? table(res.body.calibrations, kinds)
        : h('p', { class: 'error' }, t('qa.refused', { error: errorText(res.body, res.status) })),
    );
  };
  view.append(message, list);
  if (me.canMaintain) view.append(addForm(stations, load, message));
  await load();
  return view;
}
