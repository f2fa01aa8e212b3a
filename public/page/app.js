import * as api from './api.js';
import { applyWords, languageSwitch, loadCatalogue, pageLanguage, t } from './i18n.js';
import { showStation } from './panel.js';
import { LEGEND, SHAPES, STATUSES, statusOf } from './status.js';

// The citizen page (issue 17): a map of Depok fitted to its kecamatan, one marker per public station
// coloured by its state, the same stations as a list of buttons (keyboard and screen readers), and a
// panel per station. The kecamatan boundaries ship with the page, so the map works with no tile
// server; a deployment may add one (/page-config.json `tileUrl`). Other scripts (citizen.js) get the
// map from a `map-ready` event on window.

const L = window.L;
const state = {
  stations: [],
  latest: new Map(),
  ispu: new Map(),
  districts: new Map(),
  map: undefined,
  attribution: '',
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
    L.marker([lat, lng], {
      interactive: false,
      keyboard: false,
      icon: L.divIcon({ className: 'district-label', html: f.properties.name, iconSize: null }),
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

async function choose(station) {
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

async function loadData() {
  const [stations, latest, ispu] = await Promise.all([
    api.stations(),
    api.latest(),
    api.ispuLatest().catch(() => new Map()),
  ]);
  state.stations = [...stations].sort((a, b) => a.name.localeCompare(b.name, 'id'));
  state.latest = latest;
  state.ispu = ispu;
}

async function render(lang) {
  await loadCatalogue(lang);
  applyWords();
  drawLegend();
  state.map.attributionControl.removeAttribution(state.attribution);
  state.attribution = t('public.boundaries_attribution');
  state.map.attributionControl.addAttribution(state.attribution);
  if (state.stations.length) drawStations(state.map);
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
    document.body.dataset.ready = 'true';
  } catch (err) {
    document.getElementById('status').textContent = t('public.load_failed', { status: err.status ?? '—' });
    document.body.dataset.ready = 'error';
  }
}

main();
