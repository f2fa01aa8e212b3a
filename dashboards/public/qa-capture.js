import { h } from './dom.js';
import { fieldLabel } from './field-label.js';
import { errorText, lang, t } from './i18n.js';
import { api } from './qa-api.js';

// Data capture per WIB day of one station (GET /api/stations/:id/capture?period=day): a row per field,
// a cell per day with its capture %, green from 75 %, red below, grey when a window covers the day.
const DAY = 86_400_000;
const WIB_MS = 7 * 3_600_000;
/** WIB midnight at or before `ms`. */
const wibDay = (ms) => Math.floor((ms + WIB_MS) / DAY) * DAY - WIB_MS;

/** "1 Des" / "1 Dec": the day in Depok, in the page's language. */
const dayLabel = (iso) =>
  new Intl.DateTimeFormat(lang(), { timeZone: 'Asia/Jakarta', day: 'numeric', month: 'short' }).format(
    Date.parse(iso),
  );

/** Counts and shares with at most one decimal ("1.440", "76,7" in Indonesian). */
const number = (n) => new Intl.NumberFormat(lang(), { maximumFractionDigits: 1 }).format(n);

function cell(row) {
  const title = t('qa.capture.cell', {
    valid: row.valid,
    expected: number(row.expected),
    excluded: number(row.excluded),
    received: row.received,
  });
  if (row.capture === null)
    return h('td', { class: 'capture-none', title: `${t('qa.capture.all_excluded')}; ${title}` }, '-');
  const state = row.sufficient ? 'capture-ok' : 'capture-low';
  return h('td', { class: state, title }, `${number(row.capture)} %`);
}

function captureTable(body, kind) {
  const days = body.fields[0]?.rows ?? [];
  return h(
    'table',
    { class: 'qa-capture' },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        h('th', {}, t('qa.capture.field')),
        days.map((d) => h('th', { class: 'nowrap' }, dayLabel(d.start))),
      ),
    ),
    h(
      'tbody',
      {},
      body.fields.map((f) => h('tr', {}, h('th', {}, fieldLabel(kind, f.field)), f.rows.map(cell))),
    ),
  );
}

/**
 * The capture section for the days the range [from, to) touches (whole WIB days, up to now: a day in
 * progress is judged on its part so far). `from`/`to` in epoch ms; `kind` names the fields.
 */
export async function captureView(station, kind, from, to) {
  const end = Math.min(wibDay(to - 1) + DAY, Date.now());
  const query = new URLSearchParams({ period: 'day', from: String(wibDay(from)), to: String(end) });
  const res = await api('GET', `/api/stations/${encodeURIComponent(station)}/capture?${query}`);
  return h(
    'section',
    { id: 'qa-capture' },
    h('h3', {}, t('qa.capture.title')),
    res.ok
      ? [
          captureTable(res.body, kind),
          h(
            'p',
            { class: 'legend' },
            h('span', { class: 'capture-ok' }, t('qa.capture.sufficient')),
            h('span', { class: 'capture-low' }, t('qa.capture.insufficient')),
            h('span', {}, t('qa.capture.legend')),
          ),
        ]
      : h('p', { class: 'error' }, t('qa.refused', { error: errorText(res.body, res.status) })),
  );
}
