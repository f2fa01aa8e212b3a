import { API, buildFollow, buildForm, CATEGORY, el, STATUS, word } from './citizen-form.js';
import { t } from './i18n.js';

// Citizen reports on the public page (issue 17): the form (category, description, a location chosen on
// the map or from the phone's position, an optional photo and contact), the "follow your report" box,
// and a map layer of approved reports. Everything a citizen or a moderator wrote is put on the page
// with textContent only, so a `<script>` in a description is shown as the characters it is. Fixed words
// carry `data-i18n`, so the page's language switch (i18n.js applyWords) re-words them.

/** The popup of an approved report: built as elements, the citizen's and the answer's text as text. */
function popup(report) {
  return el(
    'div',
    { class: 'citizen-popup' },
    el('strong', {}, word(CATEGORY[report.category] ?? 'citizen.category.other')),
    ' · ',
    el('span', {}, word(STATUS[report.status] ?? report.status)),
    el('p', { class: 'citizen-popup-text' }, report.description),
    report.public_answer
      ? el('p', {}, el('b', {}, `${word('citizen.follow.answer')}: `), report.public_answer)
      : null,
    report.photo
      ? el('img', {
          src: report.photo,
          alt: word('citizen.form.photo'),
          class: 'citizen-popup-photo',
        })
      : null,
  );
}

async function drawReports(L, layer) {
  const res = await fetch(API);
  if (!res.ok) {
    await res.text(); // read, so the request ends (no citizen reports on this service)
    return;
  }
  const { reports } = await res.json();
  layer.clearLayers();
  for (const report of reports) {
    const shape = el('span', { class: `citizen-shape status-${report.status}`, 'aria-hidden': 'true' }, '!');
    const icon = L.divIcon({
      className: 'citizen-marker',
      html: shape,
      iconSize: [22, 26],
      iconAnchor: [11, 26],
    });
    const marker = L.marker([report.lat, report.lon], {
      icon,
      title: word(CATEGORY[report.category] ?? 'citizen.category.other'),
    });
    marker.bindPopup(() => {
      const content = popup(report);
      // The photo arrives after the popup opened: lay it out and pan it into view again then.
      content.querySelector('img')?.addEventListener('load', () => marker.getPopup()?.update());
      return content;
    });
    marker.addTo(layer);
    marker.getElement()?.setAttribute('data-report', String(report.id));
  }
}

function start({ map, L }) {
  const section = document.getElementById('citizen-report');
  if (!section || section.dataset.ready) return;
  section.dataset.ready = 'true';
  section.classList.add('citizen');
  let chosen;
  let marker;
  let where;
  // Called with a position to choose it, without one to read the current choice.
  const pick = (lat, lon, pan) => {
    if (lat === undefined) return chosen;
    chosen = { lat: Math.round(lat * 1e5) / 1e5, lon: Math.round(lon * 1e5) / 1e5 };
    marker ??= L.marker([chosen.lat, chosen.lon], {
      icon: L.divIcon({
        className: 'citizen-pick',
        html: el('span', { class: 'citizen-pick-shape' }),
        iconSize: [18, 18],
      }),
      keyboard: false,
    }).addTo(map);
    marker.setLatLng([chosen.lat, chosen.lon]);
    if (pan) map.panTo([chosen.lat, chosen.lon]);
    where.removeAttribute('data-i18n');
    // Strings, so a coordinate keeps its decimal point in every language.
    where.textContent = t('citizen.form.location_chosen', {
      lat: String(chosen.lat),
      lon: String(chosen.lon),
    });
    return chosen;
  };
  ({ where } = buildForm(section, pick));
  buildFollow(section);
  map.on('click', (e) => pick(e.latlng.lat, e.latlng.lng, false));
  const layer = L.layerGroup().addTo(map);
  const control = L.control.layers(null, {}, { collapsed: true }).addTo(map);
  control.addOverlay(layer, word('citizen.layer.name'));
  drawReports(L, layer).finally(() => {
    section.dataset.reports = 'loaded';
  });
}

const link = document.createElement('link');
link.rel = 'stylesheet';
link.href = 'citizen.css';
document.head.append(link);

window.addEventListener('map-ready', (event) => start(event.detail));
if (window.publicMap && window.L) start({ map: window.publicMap, L: window.L });
