import { h } from './dom.js';
import { errorText, languageSwitch, loadCatalogue, t } from './i18n.js';
import { alertTable, stationDetail, stationTable, summary } from './render.js';

// The browser's copy of the live state: a snapshot on every (re)connect, then one change per event.
const model = { kinds: new Map(), stations: new Map(), alerts: new Map(), ispu: new Map(), serverSkew: 0 };
let user;
// Acknowledging needs the operator or admin role (the server checks it too; this only hides the form).
let canAck = false;
// A logged-in user saves a language switch as their preference; a public reader keeps it in a cookie.
let loggedIn = false;
let history = { id: undefined, series: undefined, error: undefined };
let renderQueued = false;

const main = document.getElementById('main');
const live = document.getElementById('live');
const who = document.getElementById('who');

const now = () => Date.now() + model.serverSkew;

function sortedAlerts() {
  const time = (v) => (typeof v === 'number' ? v : Date.parse(v ?? '') || 0);
  const all = [...model.alerts.values()];
  const active = all
    .filter((a) => a.state !== 'cleared')
    .sort((a, b) => time(b.raised_at) - time(a.raised_at));
  const cleared = all
    .filter((a) => a.state === 'cleared')
    .sort((a, b) => time(b.cleared_at) - time(a.cleared_at));
  return [...active, ...cleared];
}

function route() {
  const match = /^#\/station\/(.+)$/.exec(location.hash);
  return match ? { view: 'station', id: decodeURIComponent(match[1]) } : { view: 'overview' };
}

function render() {
  renderQueued = false;
  const r = route();
  const at = now();
  // Keep a half-typed comment across re-renders.
  const typing = document.activeElement?.closest?.('tr[data-alert-id]')?.dataset.alertId;
  const typed = typing ? document.activeElement.value : undefined;
  const view =
    r.view === 'station'
      ? stationDetail(model, r.id, history.id === r.id ? history : {}, at)
      : [
          summary(model, at),
          h('h2', {}, t('overview.alerts')),
          alertTable(sortedAlerts(), { canAck, user, onAck: acknowledge }),
          h('h2', {}, t('overview.stations')),
          stationTable(model, at),
        ];
  main.replaceChildren(...[view].flat());
  if (typing) {
    const input = main.querySelector(`tr[data-alert-id="${CSS.escape(typing)}"] input[name=comment]`);
    if (input) {
      input.value = typed;
      input.focus();
    }
  }
}

function scheduleRender() {
  if (renderQueued) return;
  renderQueued = true;
  requestAnimationFrame(render);
}

async function acknowledge(alert, comment) {
  const [kind, station, rule] = [alert.kind, alert.station, alert.rule].map(encodeURIComponent);
  const res = await fetch(`/api/alerts/${kind}/${station}/${rule}/ack`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(comment.trim() ? { comment: comment.trim() } : {}),
  });
  if (res.status === 401) {
    location.href = '/login';
    return;
  }
  if (!res.ok) {
    const body = await res.json().catch(() => ({}));
    window.alert(t('alerts.ack_failed', { error: errorText(body, res.status) }));
    return;
  }
  // The alert flows confirm over MQTT; until then the row says the ack is on its way.
  model.alerts.set(alert.id, { ...alert, pending: true });
  scheduleRender();
}

async function loadHistory(id) {
  history = { id, series: undefined, error: undefined };
  const res = await fetch(`/api/stations/${encodeURIComponent(id)}/history?hours=24`);
  const body = await res.json().catch(() => ({}));
  if (history.id !== id) return;
  history = res.ok ? { id, series: body.series } : { id, error: errorText(body, res.status) };
  scheduleRender();
}

function applySnapshot(snap) {
  model.serverSkew = snap.now - Date.now();
  model.kinds = new Map(snap.kinds.map((k) => [k.id, k]));
  model.stations = new Map(snap.stations.map((s) => [s.id, s]));
  model.alerts = new Map(snap.alerts.map((a) => [a.id, a]));
  model.ispu = new Map(snap.ispu.map((i) => [i.station, i]));
}

function connect() {
  const source = new EventSource('/api/events');
  const on = (type, apply) =>
    source.addEventListener(type, (event) => {
      apply(JSON.parse(event.data));
      scheduleRender();
    });
  on('snapshot', applySnapshot);
  on('station', (c) => model.stations.set(c.station.id, c.station));
  // A device revoked or removed from the registry is no longer a station (nor has an ISPU).
  on('station_removed', (c) => {
    model.stations.delete(c.id);
    model.ispu.delete(c.id);
  });
  on('alert', (c) => model.alerts.set(c.alert.id, c.alert));
  on('alert_removed', (c) => model.alerts.delete(c.id));
  on('ispu', (c) => model.ispu.set(c.ispu.station, c.ispu));
  source.addEventListener('open', () => {
    live.textContent = t('live.on');
    live.className = 'live on';
  });
  source.addEventListener('error', async () => {
    live.textContent = t('live.reconnecting');
    live.className = 'live off';
    // A stream refused with 401 is not retried by the browser: the session ended.
    if (source.readyState === EventSource.CLOSED) {
      const me = await fetch('/api/me');
      if (me.status === 401) location.href = '/login';
      else setTimeout(connect, 3000);
    }
  });
}

async function start() {
  const [me] = await Promise.all([fetch('/api/me'), loadCatalogue()]);
  if (me.ok) {
    const principal = await me.json();
    user = principal.username;
    loggedIn = principal.via === 'session';
    const roles = principal.roles ?? [];
    canAck = roles.includes('operator') || roles.includes('admin');
    who.replaceChildren(
      t('who.logged_in_as'),
      ' ',
      h('b', {}, user),
      ' ',
      h('a', { href: '/history', id: 'history-link' }, t('who.history')),
      ' ',
      ...(roles.includes('admin')
        ? [h('a', { href: '/admin', id: 'audit-link' }, t('who.audit_log')), ' ']
        : []),
      h('a', { href: '/qa', id: 'qa-link' }, t('who.qa')),
      ' ',
      h('a', { href: '/reports', id: 'reports-link' }, t('who.reports')),
      ' ',
      h('a', { href: '/citizen', id: 'citizen-link' }, t('citizen.console.nav')),
      ' ',
      h('button', { id: 'logout', onclick: logout }, t('who.logout')),
    );
  } else {
    who.replaceChildren(h('a', { href: '/login' }, t('who.login_to_ack')));
  }
  languageSwitch(() => loggedIn);
  window.addEventListener('hashchange', () => {
    const r = route();
    if (r.view === 'station') loadHistory(r.id);
    render();
  });
  const r = route();
  if (r.view === 'station') loadHistory(r.id);
  connect();
  // Ages and stale markers move with the clock, not only with messages.
  setInterval(scheduleRender, 5000);
}

async function logout() {
  await fetch('/api/logout', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
  location.href = '/login';
}

start();
