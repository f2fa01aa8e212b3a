import { calibrationView } from './calibrations.js';
import { h } from './dom.js';
import { languageSwitch, loadCatalogue, t } from './i18n.js';
import { maintenanceView } from './maintenance.js';
import { api } from './qa-api.js';
import { panelView } from './qa-panel.js';

// The QA page: #/station/<id> (values with their states, decisions), #/maintenance, #/calibrations.
// The server checks every role and scope; `me` only hides forms a user could not send.
const main = document.getElementById('main');
const nav = document.getElementById('qa-nav');

function route() {
  const station = /^#\/station\/(.+)$/.exec(location.hash);
  if (station) return { view: 'panel', id: decodeURIComponent(station[1]) };
  if (location.hash === '#/maintenance') return { view: 'maintenance' };
  if (location.hash === '#/calibrations') return { view: 'calibrations' };
  return { view: 'panel' };
}

function renderNav(current) {
  const link = (view, href, text) => h('a', { href, class: view === current ? 'current' : undefined }, text);
  nav.replaceChildren(
    link('back', '/', t('qa.back')),
    link('panel', '#/', t('qa.nav.panel')),
    link('maintenance', '#/maintenance', t('qa.nav.maintenance')),
    link('calibrations', '#/calibrations', t('qa.nav.calibrations')),
  );
}

async function show(me, stations) {
  const r = route();
  renderNav(r.view);
  const views = { panel: panelView, maintenance: maintenanceView, calibrations: calibrationView };
  main.replaceChildren(await views[r.view]({ me, stations, station: r.id }));
}

async function start() {
  const [who] = await Promise.all([api('GET', '/api/me'), loadCatalogue()]);
  languageSwitch(() => who.body.via === 'session');
  const roles = who.ok ? (who.body.roles ?? []) : [];
  const me = {
    name: who.body.username,
    canMaintain: roles.includes('operator') || roles.includes('admin'),
    canValidate: roles.includes('validator') || roles.includes('admin'),
  };
  if (who.ok) document.getElementById('who').replaceChildren(t('who.logged_in_as'), ' ', h('b', {}, me.name));
  const status = await api('GET', '/api/status');
  const stations = status.ok ? status.body.stations.filter((s) => s.registered) : [];
  window.addEventListener('hashchange', () => show(me, stations));
  await show(me, stations);
}

start();
