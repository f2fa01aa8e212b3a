import * as api from './api.js';
import { applyWords, languageSwitch, loadCatalogue, pageLanguage, t, wibClock } from './i18n.js';
import { showStation } from './panel.js';
import { autoRefresh, refreshInterval } from './refresh.js';
import { LEGEND, SHAPES, STATUSES, statusOf } from './status.js';

// The citizen page (issue 17): a map of Depok fitted to its kecamatan, one marker per public station
// coloured by its state, the same stations as a list of buttons (keyboard and screen readers), and a
// panel per station. The kecamatan boundaries ship with the page, so the map works with no tile
// server; a deployment may add one (/page-config.json `tileUrl`). Other scripts (citizen.js) get the
// map from a `map-ready` event on window. The data refreshes itself (refresh.js): an unchanged answer
// (304) redraws nothing, a changed one recolours the markers in place, so the map never flickers.

const L = window.L;
const state = {
  stations: [],
  latest: new Map(),
  ispu: new Map(),
  districts: new Map(),
  map: undefined,
  attribution: '',
  /** When the data was last read or confirmed unchanged, and whether the last try failed. */
  checkedAt: undefined,
  checkFailed: false,
};
const markers = new Map();

const slug = (name) => name.toLowerCase().replace(/\s+/g, '-');

async function pageConfig() {
  try {
    const res = await fetch('page-config.json');
    return res.ok ? await res.json() : {};
  } catch {
    return {};
  }
}

async function drawBoundaries(map) {
  const res = await fetch('depok-kecamatan.geojson');
  const geo = await res.json();
  const layer = L.geoJSON(geo, {
    interactive: false,
    style: { color: '#4d4d4d', weight: 1.5, fillColor: '#f4f1ea', fillOpacity: 0.6 },
  }).addTo(map);
  for (const f of geo.features) {
    state.districts.set(slug(f.properties.name), f.properties.name);
    const [lng, lat] = f.properties.centroid;
    // Leaflet places the icon with a transform of its own: the label centres itself in an inner span.
    const label = document.createElement('span');
    label.textContent = f.properties.name;
    L.marker([lat, lng], {
      interactive: false,
      keyboard: false,
      icon: L.divIcon({ className: 'district-label', html: label, iconSize: [0, 0] }),
    }).addTo(map);
  }
  map.fitBounds(layer.getBounds(), { padding: [8, 8] });
}

function markerIcon(station) {
  const status = statusOf(state.latest.get(station.id)?.status);
  const dot = document.createElement('span');
  dot.className = `marker-shape shape-${SHAPES[station.kind] ?? 'circle'}`;
  dot.style.background = status.colour;
  return L.divIcon({ className: 'station-marker', html: dot, iconSize: [22, 22], iconAnchor: [11, 11] });
}

async function choose(station, { focus = true } = {}) {
  const panel = document.getElementById('panel');
  for (const b of document.querySelectorAll('.station-list button'))
    b.setAttribute('aria-pressed', String(b.dataset.station === station.id));
  await showStation(panel, {
    station,
    latest: state.latest.get(station.id),
    ispu: state.ispu.get(station.id),
    districtName: (id) => (id ? (state.districts.get(id) ?? id) : undefined),
    onClose: () => {
      panel.hidden = true;
      document.querySelector(`.station-list button[data-station="${CSS.escape(station.id)}"]`)?.focus();
    },
  });
  if (!focus) return; // a refresh: the reader's place on the page stays where it is
  panel.focus({ preventScroll: true });
  if (window.matchMedia('(max-width: 760px)').matches) panel.scrollIntoView({ behavior: 'smooth' });
}

function drawStations(map) {
  for (const m of markers.values()) m.remove();
  markers.clear();
  const list = document.getElementById('station-list');
  list.replaceChildren();
  for (const station of state.stations) {
    const status = statusOf(state.latest.get(station.id)?.status);
    const label = `${station.name}: ${t(status.key)}`;
    if (typeof station.lat === 'number' && typeof station.lon === 'number') {
      const marker = L.marker([station.lat, station.lon], {
        icon: markerIcon(station),
        title: label,
        alt: label,
      })
        .on('click', () => choose(station))
        .addTo(map);
      marker.getElement()?.setAttribute('data-station', station.id);
      markers.set(station.id, marker);
    }
    const button = document.createElement('button');
    button.type = 'button';
    button.dataset.station = station.id;
    button.setAttribute('aria-pressed', 'false');
    const dot = document.createElement('span');
    dot.className = `marker-shape small shape-${SHAPES[station.kind] ?? 'circle'}`;
    dot.style.background = status.colour;
    dot.setAttribute('aria-hidden', 'true');
    const name = document.createElement('span');
    name.className = 'name';
    name.textContent = station.name;
    const what = document.createElement('span');
    what.className = 'what';
    what.textContent = t(status.key);
    button.append(dot, name, what);
    button.onclick = () => {
      markers.get(station.id) && map.panTo(markers.get(station.id).getLatLng());
      choose(station);
    };
    const item = document.createElement('li');
    item.append(button);
    list.append(item);
  }
  document.getElementById('status').textContent = t('public.stations_count', {
    count: state.stations.length,
  });
}

function drawLegend() {
  const body = document.getElementById('legend-body');
  body.replaceChildren();
  for (const group of LEGEND) {
    const title = document.createElement('h3');
    title.textContent = t(group.key);
    const list = document.createElement('ul');
    for (const id of group.statuses) {
      const item = document.createElement('li');
      const dot = document.createElement('span');
      dot.className = `marker-shape small shape-${group.shape}`;
      dot.style.background = STATUSES[id].colour;
      dot.setAttribute('aria-hidden', 'true');
      item.append(dot, ` ${t(STATUSES[id].key)}`);
      list.append(item);
    }
    body.append(title, list);
  }
}

/** What the station layer is drawn from: a change of it needs a full redraw, a status change does not. */
const layout = (stations) => JSON.stringify(stations.map((s) => [s.id, s.name, s.kind, s.lat, s.lon]));

/** The stations' new states on the markers and buttons already there: colour, label, words. */
function recolour() {
  for (const station of state.stations) {
    const status = statusOf(state.latest.get(station.id)?.status);
    const label = `${station.name}: ${t(status.key)}`;
    const el = markers.get(station.id)?.getElement();
    if (el) {
      el.title = label;
      el.setAttribute('alt', label);
      const shape = el.querySelector('.marker-shape');
      if (shape) shape.style.background = status.colour;
    }
    const button = document.querySelector(`.station-list button[data-station="${CSS.escape(station.id)}"]`);
    if (!button) continue;
    const dot = button.querySelector('.marker-shape');
    if (dot) dot.style.background = status.colour;
    const what = button.querySelector('.what');
    if (what) what.textContent = t(status.key);
  }
}

/** "Diperbarui 14.05 WIB", or that the last try failed and since when the data is. */
function showChecked() {
  const line = document.getElementById('updated');
  if (!line || state.checkedAt === undefined) return;
  const key = state.checkFailed ? 'public.update_failed' : 'public.updated_at';
  line.textContent = t(key, wibClock(state.checkedAt));
  line.dataset.checkedAt = String(state.checkedAt);
}

const panelData = (id) => JSON.stringify([state.latest.get(id), state.ispu.get(id)]);

async function loadData() {
  const snap = await api.snapshot();
  state.stations = [...snap.stations].sort((a, b) => a.name.localeCompare(b.name, 'id'));
  state.latest = snap.latest;
  state.ispu = snap.ispu;
  state.checkedAt = Date.now();
  state.checkFailed = false;
}

/** One refresh: nothing redrawn on 304s; markers recoloured in place; an open panel shown again if its station changed. */
async function refresh() {
  const before = { layout: layout(state.stations), panel: undefined };
  const panel = document.getElementById('panel');
  const openId = panel.hidden ? undefined : panel.dataset.station;
  if (openId) before.panel = panelData(openId);
  let snap;
  try {
    snap = await api.snapshot();
  } catch (err) {
    state.checkFailed = true;
    showChecked();
    throw err;
  }
  state.checkedAt = Date.now();
  state.checkFailed = false;
  if (snap.changed) {
    state.stations = [...snap.stations].sort((a, b) => a.name.localeCompare(b.name, 'id'));
    state.latest = snap.latest;
    state.ispu = snap.ispu;
    if (layout(state.stations) !== before.layout) drawStations(state.map);
    else recolour();
    const chosen = openId && state.stations.find((s) => s.id === openId);
    if (chosen && panelData(openId) !== before.panel) await choose(chosen, { focus: false });
    document.body.dataset.refreshes = String(Number(document.body.dataset.refreshes ?? 0) + 1);
  }
  showChecked();
}

async function render(lang) {
  await loadCatalogue(lang);
  applyWords();
  drawLegend();
  state.map.attributionControl.removeAttribution(state.attribution);
  state.attribution = t('public.boundaries_attribution');
  state.map.attributionControl.addAttribution(state.attribution);
  if (state.stations.length) drawStations(state.map);
  showChecked();
  const open = document.getElementById('panel');
  const chosen = !open.hidden && state.stations.find((s) => s.id === open.dataset.station);
  if (chosen) await choose(chosen);
}

async function main() {
  await loadCatalogue(pageLanguage());
  applyWords();
  drawLegend();
  languageSwitch((lang) => render(lang));
  const config = await pageConfig();
  const map = L.map('map', { zoomSnap: 0.25, attributionControl: true });
  state.map = map;
  state.attribution = t('public.boundaries_attribution');
  map.attributionControl.setPrefix(false).addAttribution(state.attribution);
  if (typeof config.tileUrl === 'string' && config.tileUrl) {
    L.tileLayer(config.tileUrl, { maxZoom: 18, attribution: config.tileAttribution ?? '' }).addTo(map);
  }
  await drawBoundaries(map);
  window.dispatchEvent(new CustomEvent('map-ready', { detail: { map, L } }));
  window.publicMap = map; // for scripts loaded after the event
  try {
    await loadData();
    drawStations(map);
    showChecked();
    document.body.dataset.ready = 'true';
  } catch (err) {
    document.getElementById('status').textContent = t('public.load_failed', { status: err.status ?? '—' });
    document.body.dataset.ready = 'error';
  }
  // A failed first load is tried again too: the page comes back by itself when the API does.
  autoRefresh({
    everyMs: refreshInterval(),
    check: () => (document.body.dataset.ready === 'true' ? refresh() : retryFirstLoad()),
  });
}

async function retryFirstLoad() {
  await loadData();
  drawStations(state.map);
  showChecked();
  document.body.dataset.ready = 'true';
}

main();
