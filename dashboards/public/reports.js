import { h } from './dom.js';
import { errorText, languageSwitch, loadCatalogue, t } from './i18n.js';
import { api, formValues } from './qa-api.js';
import { mailNote, prunedFiles } from './reports-delivery.js';

// The reports page (issue 16): "generate now" for the roles that may (the server checks again, with
// the scope), and the stored runs the user may see with their files, sizes and SHA-256 checksums.
// While a run is running the list is read again every few seconds.

const TITLES = {
  'ispu-daily': 'report_runs.title.ispu_daily',
  'air-monthly': 'report_runs.title.air_monthly',
  'wastewater-monthly': 'report_runs.title.wastewater_monthly',
  'water-monthly': 'report_runs.title.water_monthly',
};
const STATUS = {
  running: 'report_runs.status.running',
  done: 'report_runs.status.done',
  failed: 'report_runs.status.failed',
};
const VIA = {
  console: 'report_runs.via.console',
  api: 'report_runs.via.api',
  cli: 'report_runs.via.cli',
  schedule: 'report_runs.via.schedule',
};
/** The kind of station each type covers (lib/reports/types), and whether it is a day or a month. */
const TYPES = {
  'ispu-daily': { kind: 'air_quality', unit: 'day' },
  'air-monthly': { kind: 'air_quality', unit: 'month' },
  'wastewater-monthly': { kind: 'wastewater', unit: 'month' },
  'water-monthly': { kind: 'water_network', unit: 'month' },
};
const WIB_MS = 7 * 3_600_000;
const label = (keys, value) => (Object.hasOwn(keys, value) ? t(keys[value]) : value);

const form = document.getElementById('generate-form');
const typeSelect = document.getElementById('type');
const period = document.getElementById('period');
const stationBox = document.getElementById('stations');
const status = document.getElementById('generate-status');
const body = document.querySelector('#runs tbody');
let stations = [];
let polling;

/** Today (WIB) for a daily type, this month for a monthly one: a sensible first value. */
function defaultPeriod(type) {
  const today = new Date(Date.now() + WIB_MS).toISOString();
  return TYPES[type]?.unit === 'day' ? today.slice(0, 10) : today.slice(0, 7);
}

function renderStations() {
  const kind = TYPES[typeSelect.value]?.kind;
  const own = stations.filter((s) => s.kind === kind);
  stationBox.replaceChildren(
    h('legend', {}, t('report_runs.page.stations')),
    h('span', { class: 'muted' }, t('report_runs.page.stations_hint', { n: own.length })),
    h('br'),
    ...own.map((s) =>
      h('label', {}, h('input', { type: 'checkbox', name: 'stations', value: s.id }), ` ${s.name ?? s.id}`),
    ),
  );
  period.placeholder = TYPES[typeSelect.value]?.unit === 'day' ? 'YYYY-MM-DD' : 'YYYY-MM';
  period.value = defaultPeriod(typeSelect.value);
}

const size = (bytes) =>
  bytes < 1024
    ? `${bytes} B`
    : `${(bytes / 1024).toLocaleString(document.documentElement.lang, { maximumFractionDigits: 1 })} KiB`;

function fileCell(run) {
  if (run.status === 'failed') return h('td', { class: 'error' }, run.message ?? '');
  if (run.pruned_at !== null) return h('td', {}, ...prunedFiles(run));
  return h(
    'td',
    {},
    ...run.files.map((f) =>
      h(
        'div',
        { class: 'report-file' },
        h('a', { href: f.url, download: f.name }, f.format.toUpperCase()),
        ` ${size(f.bytes)} `,
        h('code', { title: f.sha256 }, `SHA-256 ${f.sha256.slice(0, 12)}…`),
      ),
    ),
  );
}

function row(run) {
  const started = t('report_runs.page.datetime', { t: run.started_at });
  return h(
    'tr',
    { 'data-run': run.id },
    h('td', {}, String(run.id)),
    h('td', {}, `${label(TITLES, run.type)} ${run.period} (${run.lang})`),
    h('td', {}, run.stations.length > 0 ? run.stations.join(', ') : t('report_runs.page.all_stations')),
    h('td', {}, `${run.requested_by} · ${label(VIA, run.via)}`),
    h('td', { class: `run-${run.status}` }, label(STATUS, run.status), mailNote(run)),
    h('td', {}, started),
    fileCell(run),
  );
}

async function loadRuns() {
  const res = await api('GET', '/api/reports');
  if (!res.ok) {
    body.replaceChildren(
      h('tr', {}, h('td', { colspan: 7, class: 'error' }, errorText(res.body, res.status))),
    );
    return;
  }
  const runs = res.body.runs;
  body.replaceChildren(
    ...(runs.length
      ? runs.map(row)
      : [h('tr', {}, h('td', { colspan: 7, class: 'muted' }, t('report_runs.page.none')))]),
  );
  clearTimeout(polling);
  if (runs.some((r) => r.status === 'running')) polling = setTimeout(loadRuns, 2000);
}

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  const values = formValues(form);
  const request = {
    type: values.type,
    period: values.period,
    lang: values.lang,
    formats: [values.formats ?? []].flat(),
    stations: [values.stations ?? []].flat(),
  };
  status.className = 'muted';
  status.textContent = t('report_runs.page.sending');
  const res = await api('POST', '/api/reports', request);
  if (!res.ok) {
    status.className = 'error';
    status.textContent = errorText(res.body, res.status);
    return;
  }
  status.textContent = t('report_runs.page.started', { id: res.body.run.id });
  await loadRuns();
});

async function start() {
  const [who] = await Promise.all([api('GET', '/api/me'), loadCatalogue()]);
  languageSwitch(() => who.body.via === 'session');
  const roles = who.ok ? (who.body.roles ?? []) : [];
  if (who.ok)
    document.getElementById('who').replaceChildren(t('who.logged_in_as'), ' ', h('b', {}, who.body.username));
  // Viewers download; generating is for the roles that work with the data (permission `report`).
  if (['admin', 'operator', 'validator'].some((r) => roles.includes(r))) {
    const res = await api('GET', '/api/status');
    stations = res.ok ? res.body.stations.filter((s) => s.registered) : [];
    document.getElementById('report-lang').value = document.documentElement.lang || 'id';
    typeSelect.addEventListener('change', renderStations);
    renderStations();
    document.getElementById('generate').hidden = false;
  }
  await loadRuns();
}

start();
