import { formatTime, h } from './dom.js';
import { MAINTENANCE_STRINGS as S } from './maintenance-strings.js';
import { api, formValues, wibInput } from './qa-api.js';

// The maintenance calendar: an agenda by WIB day of every window and occurrence in a range, with
// add, edit and end for operators (the server checks the role and the scope of each change).
const DAY = 86_400_000;
const WIB_MS = 7 * 3_600_000;
const wibDay = (iso) => new Date(Date.parse(iso) + WIB_MS).toISOString().slice(0, 10);

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
      S.endAt,
      h('input', { type: 'datetime-local', name: 'end', value: w.end ? wibInput(Date.parse(w.end)) : '' }),
    ),
    h('label', {}, S.who, h('input', { name: 'who', value: w.who })),
    h('label', {}, S.notes, h('input', { name: 'notes', value: w.notes })),
    h('button', { type: 'submit' }, S.save),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const values = formValues(form);
    const patch = { who: values.who ?? w.who, notes: values.notes ?? '', end: values.end ?? null };
    const res = await api('PATCH', `/api/maintenance/${w.id}`, patch);
    message.textContent = res.ok ? S.saved(res.body.window) : S.failed(res.error);
    if (res.ok) onSaved();
  });
  return form;
}

function entry(e, me, reload, message) {
  const { w } = e;
  const row = h(
    'div',
    { class: `window-entry ${w.type}`, 'data-window-id': w.id },
    h('b', {}, `#${w.id} ${S.types[w.type] ?? w.type}`),
    ` ${w.station} (${w.fields?.join(', ') ?? S.allFields}) `,
    formatTime(e.start),
    ' - ',
    e.end ? formatTime(e.end) : S.open,
    w.rrule ? h('small', {}, ` ${S.recurring(w)}`) : '',
    ` ${S.by(w)}`,
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
            message.textContent = res.ok ? S.saved(res.body.window) : S.failed(res.error);
            if (res.ok) reload();
          },
        },
        S.end,
      ),
    );
  row.append(
    h('button', { type: 'button', onclick: () => row.append(editForm(w, reload, message)) }, S.edit),
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
      S.station,
      h(
        'select',
        { name: 'station', required: true },
        stations.map((s) => h('option', { value: s.id }, s.id)),
      ),
    ),
    h(
      'label',
      {},
      S.type,
      h(
        'select',
        { name: 'type' },
        Object.entries(S.types).map(([v, t]) => h('option', { value: v }, t)),
      ),
    ),
    h('label', {}, S.fields, h('input', { name: 'fields' })),
    h('label', {}, S.start, h('input', { type: 'datetime-local', name: 'start', required: true })),
    h('label', {}, S.endAt, h('input', { type: 'datetime-local', name: 'end' })),
    h('label', {}, S.rrule, h('input', { name: 'rrule' })),
    h('label', {}, S.duration, h('input', { name: 'duration', size: 6 })),
    h('label', {}, S.who, h('input', { name: 'who' })),
    h('label', {}, S.notes, h('input', { name: 'notes' })),
    h('label', {}, h('input', { type: 'checkbox', name: 'logged', value: 'yes' }), S.logged),
    h('button', { type: 'submit' }, S.add),
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
    message.textContent = res.ok ? S.added(res.body.window) : S.failed(res.error);
    if (res.ok) onAdded();
  });
  return h('section', {}, h('h3', {}, S.addTitle), h('p', { class: 'muted' }, S.overlap), form);
}

export async function maintenanceView({ me, stations }) {
  const view = h('section', { class: 'maintenance' }, h('h2', {}, S.title));
  const message = h('p', { role: 'status' });
  const agenda = h('div', { id: 'agenda' });
  const now = Date.now();
  const range = h(
    'form',
    { class: 'qa' },
    h(
      'label',
      {},
      S.from,
      h('input', { type: 'datetime-local', name: 'from', value: wibInput(now - 7 * DAY) }),
    ),
    h('label', {}, S.to, h('input', { type: 'datetime-local', name: 'to', value: wibInput(now + 28 * DAY) })),
    h('button', { type: 'submit' }, S.show),
  );
  const load = async () => {
    const res = await api('GET', `/api/maintenance?${new URLSearchParams(formValues(range))}&limit=500`);
    if (!res.ok) return agenda.replaceChildren(h('p', { class: 'error' }, S.failed(res.error)));
    const list = entries(res.body.windows);
    if (list.length === 0) return agenda.replaceChildren(h('p', { class: 'muted' }, S.none));
    const days = [];
    let day;
    for (const e of list) {
      if (wibDay(e.start) !== day) {
        day = wibDay(e.start);
        days.push(h('div', { class: 'agenda-day' }, day));
      }
      days.push(entry(e, me, load, message));
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
