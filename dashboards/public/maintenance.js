import { formatTime, h } from './dom.js';
import { fieldLabels } from './field-label.js';
import { errorText, t } from './i18n.js';
import { api, formValues, wibInput } from './qa-api.js';

// The maintenance calendar: an agenda by WIB day of every window and occurrence in a range, with
// add, edit and end for operators (the server checks the role and the scope of each change).
const DAY = 86_400_000;
const WIB_MS = 7 * 3_600_000;
const wibDay = (iso) => new Date(Date.parse(iso) + WIB_MS).toISOString().slice(0, 10);
/** The words of each window type (the API's `type`). */
export const WINDOW_TYPES = {
  maintenance: 'maintenance.type.maintenance',
  calibration: 'maintenance.type.calibration',
  instrument_failure: 'maintenance.type.instrument_failure',
  production_stopped: 'maintenance.type.production_stopped',
};
const typeName = (type) => (WINDOW_TYPES[type] ? t(WINDOW_TYPES[type]) : type);
const refused = (res) => t('qa.refused', { error: errorText(res.body, res.status) });
const saved = (res) => t('maintenance.saved', { id: res.body.window?.id });

/** One entry per one-off window and per occurrence of a recurring one, by start. */
function entries(windows) {
  const out = [];
  for (const w of windows) {
    if (w.rrule) for (const o of w.occurrences ?? []) out.push({ w, start: o.start, end: o.end });
    else out.push({ w, start: w.start, end: w.end });
  }
  return out.sort((a, b) => Date.parse(a.start) - Date.parse(b.start));
}

function editForm(w, onSaved, message) {
  const form = h(
    'form',
    { class: 'qa' },
    h(
      'label',
      {},
      t('maintenance.end_at'),
      h('input', { type: 'datetime-local', name: 'end', value: w.end ? wibInput(Date.parse(w.end)) : '' }),
    ),
    h('label', {}, t('qa.who'), h('input', { name: 'who', value: w.who })),
    h('label', {}, t('qa.notes'), h('input', { name: 'notes', value: w.notes })),
    h('button', { type: 'submit' }, t('maintenance.save')),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const values = formValues(form);
    const patch = { who: values.who ?? w.who, notes: values.notes ?? '', end: values.end ?? null };
    const res = await api('PATCH', `/api/maintenance/${w.id}`, patch);
    message.textContent = res.ok ? saved(res) : refused(res);
    if (res.ok) onSaved();
  });
  return form;
}

function entry(e, me, kinds, reload, message) {
  const { w } = e;
  const row = h(
    'div',
    { class: `window-entry ${w.type}`, 'data-window-id': w.id },
    h('b', {}, `#${w.id} ${typeName(w.type)}`),
    ` ${w.station} (`,
    w.fields ? fieldLabels(kinds.get(w.station), w.fields) : t('maintenance.all_fields'),
    ') ',
    formatTime(e.start),
    ' - ',
    e.end ? formatTime(e.end) : t('maintenance.open'),
    w.rrule
      ? h(
          'small',
          {},
          ` ${t('maintenance.recurring', { rrule: w.rrule, minutes: Math.round((w.duration_ms ?? 0) / 60_000) })}`,
        )
      : '',
    ` ${t('maintenance.by', { who: w.who })}`,
    w.notes ? h('div', { class: 'comment' }, w.notes) : '',
  );
  if (!me.canMaintain) return row;
  const stillRunning = w.end === null || Date.parse(w.end) > Date.now();
  if (stillRunning && Date.parse(w.start) < Date.now())
    row.append(
      h(
        'button',
        {
          type: 'button',
          class: 'end',
          onclick: async () => {
            const res = await api('POST', `/api/maintenance/${w.id}/end`, {});
            message.textContent = res.ok ? saved(res) : refused(res);
            if (res.ok) reload();
          },
        },
        t('maintenance.end'),
      ),
    );
  row.append(
    h(
      'button',
      { type: 'button', onclick: () => row.append(editForm(w, reload, message)) },
      t('maintenance.edit'),
    ),
  );
  return row;
}

function addForm(stations, onAdded, message) {
  const form = h(
    'form',
    { class: 'qa', id: 'add-window' },
    h(
      'label',
      {},
      t('qa.station'),
      h(
        'select',
        { name: 'station', required: true },
        stations.map((s) => h('option', { value: s.id }, s.id)),
      ),
    ),
    h(
      'label',
      {},
      t('maintenance.type'),
      h(
        'select',
        { name: 'type' },
        Object.entries(WINDOW_TYPES).map(([v, key]) => h('option', { value: v }, t(key))),
      ),
    ),
    h('label', {}, t('maintenance.fields'), h('input', { name: 'fields' })),
    h(
      'label',
      {},
      t('maintenance.start'),
      h('input', { type: 'datetime-local', name: 'start', required: true }),
    ),
    h('label', {}, t('maintenance.end_at'), h('input', { type: 'datetime-local', name: 'end' })),
    h('label', {}, t('maintenance.rrule'), h('input', { name: 'rrule' })),
    h('label', {}, t('maintenance.duration'), h('input', { name: 'duration', size: 6 })),
    h('label', {}, t('qa.who'), h('input', { name: 'who' })),
    h('label', {}, t('qa.notes'), h('input', { name: 'notes' })),
    h('label', {}, h('input', { type: 'checkbox', name: 'logged', value: 'yes' }), t('maintenance.logged')),
    h('button', { type: 'submit' }, t('maintenance.add')),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const { fields, logged, ...body } = formValues(form);
    if (fields)
      body.fields = fields
        .split(',')
        .map((f) => f.trim())
        .filter(Boolean);
    body.origin = logged ? 'logged' : 'planned';
    const res = await api('POST', '/api/maintenance', body);
    message.textContent = res.ok ? t('maintenance.added', { id: res.body.window?.id }) : refused(res);
    if (res.ok) onAdded();
  });
  return h(
    'section',
    {},
    h('h3', {}, t('maintenance.add_title')),
    h('p', { class: 'muted' }, t('maintenance.overlap')),
    form,
  );
}

export async function maintenanceView({ me, stations }) {
  const view = h('section', { class: 'maintenance' }, h('h2', {}, t('maintenance.title')));
  const message = h('p', { role: 'status' });
  const agenda = h('div', { id: 'agenda' });
  const kinds = new Map(stations.map((s) => [s.id, s.kind]));
  const now = Date.now();
  const range = h(
    'form',
    { class: 'qa' },
    h(
      'label',
      {},
      t('qa.from'),
      h('input', { type: 'datetime-local', name: 'from', value: wibInput(now - 7 * DAY) }),
    ),
    h(
      'label',
      {},
      t('qa.to'),
      h('input', { type: 'datetime-local', name: 'to', value: wibInput(now + 28 * DAY) }),
    ),
    h('button', { type: 'submit' }, t('qa.show')),
  );
  const load = async () => {
    const res = await api('GET', `/api/maintenance?${new URLSearchParams(formValues(range))}&limit=500`);
    if (!res.ok) return agenda.replaceChildren(h('p', { class: 'error' }, refused(res)));
    const list = entries(res.body.windows);
    if (list.length === 0) return agenda.replaceChildren(h('p', { class: 'muted' }, t('maintenance.none')));
    const days = [];
    let day;
    for (const e of list) {
      if (wibDay(e.start) !== day) {
        day = wibDay(e.start);
        days.push(h('div', { class: 'agenda-day' }, day));
      }
      days.push(entry(e, me, kinds, load, message));
    }
    agenda.replaceChildren(...days);
  };
  range.addEventListener('submit', (event) => {
    event.preventDefault();
    load();
  });
  view.append(range, message, agenda);
  if (me.canMaintain) view.append(addForm(stations, load, message));
  await load();
  return view;
}
