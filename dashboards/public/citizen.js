import { h } from './dom.js';
import { errorText, languageSwitch, loadCatalogue, t } from './i18n.js';
import { api, formValues } from './qa-api.js';

// The moderation queue of citizen reports (issue 17): new reports first, each with its actions. What a
// citizen wrote is put on the page as text nodes only (dom.js `h`), so markup in a description shows as
// the characters it is. The server checks roles and scope; `canModerate` only hides the forms.
const queue = document.getElementById('queue');
const filter = document.getElementById('status-filter');

const CATEGORY = {
  smell: 'citizen.category.smell',
  smoke_burning: 'citizen.category.smoke_burning',
  illegal_dumping: 'citizen.category.illegal_dumping',
  full_waste_point: 'citizen.category.full_waste_point',
  dirty_water: 'citizen.category.dirty_water',
  no_water: 'citizen.category.no_water',
  other: 'citizen.category.other',
};
const STATUS = {
  new: 'citizen.status.new',
  approved: 'citizen.status.approved',
  rejected: 'citizen.status.rejected',
  resolved: 'citizen.status.resolved',
};
const ACTION = {
  approved: 'citizen.action.approved',
  rejected: 'citizen.action.rejected',
  linked: 'citizen.action.linked',
  resolved: 'citizen.action.resolved',
};
const label = (table, value) => (table[value] ? t(table[value]) : value);

/** The moderation history, read when opened: who did what and when, the note and the answer as text. */
function history(report) {
  const list = h('ol', { class: 'citizen-history' });
  const details = h('details', {}, h('summary', {}, t('citizen.console.history')), list);
  details.addEventListener('toggle', async () => {
    if (!details.open || list.dataset.loaded) return;
    const res = await api('GET', `/api/citizen-reports/${report.id}`);
    if (!res.ok) return list.replaceChildren(h('li', { class: 'error' }, errorText(res.body, res.status)));
    list.dataset.loaded = 'true';
    list.replaceChildren(
      ...res.body.history.map((e) =>
        h(
          'li',
          {},
          t('citizen.console.event', { t: e.at, actor: e.actor, action: label(ACTION, e.action) }),
          e.note ? [' · ', h('i', {}, e.note)] : [],
          e.public_answer ? [' · ', e.public_answer] : [],
          e.station_id || e.alert_id ? [' · ', [e.station_id, e.alert_id].filter(Boolean).join(', ')] : [],
        ),
      ),
    );
  });
  return details;
}

function step(report, action, fields, buttonKey, onDone) {
  const message = h('span', { class: 'error', role: 'alert' });
  const form = h(
    'form',
    {
      class: 'citizen-step',
      'data-action': action,
      onsubmit: async (event) => {
        event.preventDefault();
        const res = await api('POST', `/api/citizen-reports/${report.id}/${action}`, formValues(form));
        if (res.ok) onDone();
        else message.textContent = errorText(res.body, res.status);
      },
    },
    fields,
    h('button', { type: 'submit' }, t(buttonKey)),
    message,
  );
  return form;
}

const input = (name, key) => h('label', {}, t(key), ' ', h('input', { name, maxlength: 2000 }));

function actions(report, reload) {
  const out = [];
  if (report.status === 'new' || report.status === 'rejected')
    out.push(step(report, 'approve', [], 'citizen.console.approve', reload));
  if (report.status === 'new' || report.status === 'approved')
    out.push(
      step(report, 'reject', [input('reason', 'citizen.console.reason')], 'citizen.console.reject', reload),
    );
  if (report.status === 'approved')
    out.push(
      step(report, 'resolve', [input('answer', 'citizen.console.answer')], 'citizen.console.resolve', reload),
    );
  if (report.status !== 'rejected')
    out.push(
      step(
        report,
        'link',
        [input('station', 'citizen.console.station'), input('alert', 'citizen.console.alert')],
        'citizen.console.link',
        reload,
      ),
    );
  return out;
}

function card(report, canModerate, reload) {
  const link = [report.station_id, report.alert_id].filter(Boolean).join(', ');
  return h(
    'article',
    { class: `citizen-report status-${report.status}`, 'data-id': report.id },
    h(
      'h2',
      {},
      h('span', { class: 'badge' }, label(STATUS, report.status)),
      ' ',
      label(CATEGORY, report.category),
      ' ',
      h(
        'small',
        { class: 'muted' },
        `#${report.id} · `,
        t('citizen.console.received', { t: report.created_at }),
      ),
    ),
    h('p', { class: 'citizen-description' }, report.description),
    h(
      'p',
      { class: 'muted' },
      `${t('citizen.console.location')}: ${report.lat.toFixed(5)}, ${report.lon.toFixed(5)}`,
      report.contact
        ? [' · ', `${t('citizen.console.contact')}: `, h('span', { class: 'contact' }, report.contact)]
        : [],
      link ? [' · ', t('citizen.console.linked', { target: link })] : [],
    ),
    report.public_answer
      ? h('p', {}, h('b', {}, `${t('citizen.console.answer')}: `), report.public_answer)
      : null,
    report.has_photo
      ? h(
          'a',
          { href: `/api/citizen-reports/${report.id}/photo`, target: '_blank', rel: 'noopener' },
          h('img', {
            src: `/api/citizen-reports/${report.id}/photo`,
            alt: t('citizen.console.photo'),
            class: 'citizen-photo',
            loading: 'lazy',
          }),
        )
      : null,
    report.status === 'new' ? null : history(report),
    canModerate ? h('div', { class: 'citizen-actions' }, actions(report, reload)) : null,
  );
}

async function load() {
  const status = filter.value;
  const res = await api(
    'GET',
    `/api/citizen-reports${status ? `?status=${encodeURIComponent(status)}` : ''}`,
  );
  if (!res.ok) {
    queue.replaceChildren(h('p', { class: 'error' }, errorText(res.body, res.status)));
    return;
  }
  document.getElementById('read-only').hidden = res.body.canModerate;
  queue.replaceChildren(
    ...(res.body.reports.length
      ? res.body.reports.map((r) => card(r, res.body.canModerate, load))
      : [h('p', { class: 'muted' }, t('citizen.console.empty'))]),
  );
}

async function start() {
  const [who] = await Promise.all([api('GET', '/api/me'), loadCatalogue()]);
  languageSwitch(() => who.body.via === 'session');
  if (who.ok)
    document.getElementById('who').replaceChildren(t('who.logged_in_as'), ' ', h('b', {}, who.body.username));
  filter.onchange = load;
  await load();
}

start();
