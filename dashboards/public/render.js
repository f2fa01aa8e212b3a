import { lineChart } from './chart.js';
import { formatAge, formatAlertValue, formatTime, formatValue, h } from './dom.js';

export const ISPU_CLASS = {
  Baik: 'ispu-baik',
  Sedang: 'ispu-sedang',
  'Tidak Sehat': 'ispu-tidak-sehat',
  'Sangat Tidak Sehat': 'ispu-sangat',
  Berbahaya: 'ispu-berbahaya',
};

const stationHref = (id) => `#/station/${encodeURIComponent(id)}`;

export function isStale(station, kinds, now) {
  const interval = kinds.get(station.kind)?.expectedIntervalS ?? 60;
  return !Number.isFinite(station.last_ts) || now - station.last_ts > 3 * interval * 1000;
}

export function isOnline(station, stale) {
  return station.status === 'online' || (station.status === 'unknown' && !stale);
}

export function ispuChip(ispu) {
  return h(
    'span',
    { class: `ispu ${ISPU_CLASS[ispu.category] ?? ''}`, title: `ISPU ${ispu.category}` },
    `${Math.round(ispu.ispu)} ${ispu.category}`,
  );
}

const HOUR = 3_600_000;
// What the shipped flows/rules.json "ispu" rule needs before its first value: PM2.5 in 18 of the 24
// hourly sub-periods of its 24 h window (minCoverage 0.75), computed when a station's readings enter
// a new hour. A site that changes the rule's coverage changes the wait, not this text's reasoning.
const ISPU_FIELD = 'pm25';
const ISPU_HOURS_NEEDED = 18;
const ISPU_WINDOW_H = 24;

/**
 * Why there is no ISPU yet, and when the first value is expected: from the earliest PM2.5 reading
 * the console has seen (a console started later only makes the estimate later, never earlier).
 */
export function ispuHint(stations, now) {
  const air = [...stations].filter((st) => st.kind === 'air_quality');
  if (air.length === 0) return 'none: no air-quality station.';
  const starts = air
    .filter((st) => st.values?.[ISPU_FIELD] !== undefined && Number.isFinite(st.first_ts))
    .map((st) => st.first_ts);
  const rule = `it is computed every full hour once ${ISPU_HOURS_NEEDED} of the last ${ISPU_WINDOW_H} hours hold PM2.5 readings`;
  if (starts.length === 0) return `not yet: waiting for PM2.5 readings; ${rule}.`;
  const first = Math.min(...starts);
  const expected = (Math.floor(first / HOUR) + ISPU_HOURS_NEEDED) * HOUR;
  if (now > expected + HOUR) {
    return `not yet, although PM2.5 readings have come in since ${formatTime(first)}: are the alert flows running? (${rule})`;
  }
  return `not yet: ${rule}; with readings since ${formatTime(first)}, the first value is expected by about ${formatTime(expected)}.`;
}

export function summary(model, now) {
  const stations = [...model.stations.values()];
  const online = stations.filter((st) => isOnline(st, isStale(st, model.kinds, now))).length;
  const stale = stations.filter((st) => isStale(st, model.kinds, now)).length;
  const active = [...model.alerts.values()].filter((a) => a.state !== 'cleared');
  const critical = active.filter((a) => a.severity === 'critical').length;
  return h(
    'section',
    { class: 'summary', 'aria-label': 'City summary' },
    h('div', { class: 'card' }, h('b', {}, `${online}/${stations.length}`), ' stations online'),
    h('div', { class: `card ${stale ? 'warn' : ''}` }, h('b', {}, String(stale)), ' stale'),
    h('div', { class: `card ${critical ? 'crit' : ''}` }, h('b', {}, String(critical)), ' critical alerts'),
    h('div', { class: 'card' }, h('b', {}, String(active.length - critical)), ' warnings'),
    h(
      'div',
      { class: 'card ispu-list' },
      'ISPU: ',
      [...model.ispu.values()].length === 0
        ? h('span', { class: 'muted ispu-hint' }, ispuHint(model.stations.values(), now))
        : [...model.ispu.values()].map((i) =>
            h('a', { href: stationHref(i.station), class: 'ispu-item' }, i.station, ' ', ispuChip(i)),
          ),
    ),
  );
}

export function alertTable(alerts, options) {
  if (alerts.length === 0) return h('p', { class: 'muted' }, 'No alerts.');
  return h(
    'table',
    { class: 'alerts' },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        ['Severity', 'Station', 'Parameter', 'Message', 'Value / limit', 'Raised', 'State', ''].map((t) =>
          h('th', {}, t),
        ),
      ),
    ),
    h(
      'tbody',
      {},
      alerts.map((a) =>
        h(
          'tr',
          { class: `alert ${a.state}`, 'data-alert-id': a.id },
          h(
            'td',
            {},
            h('span', { class: `sev ${a.severity}` }, a.severity),
            a.provisional ? h('small', {}, ' provisional') : null,
            // A maintenance window: shown, never notified (flows/README.md "Validity codes and maintenance windows").
            a.muted
              ? h('small', { class: 'alert-muted', title: 'dibisukan: jendela pemeliharaan' }, ' muted')
              : null,
          ),
          h('td', {}, h('a', { href: stationHref(a.station) }, a.station)),
          h('td', {}, a.parameter ?? a.rule, a.averaging ? h('small', {}, ` (${a.averaging})`) : null),
          h('td', { class: 'message' }, a.message),
          h('td', { class: 'value' }, formatAlertValue(a)),
          h('td', {}, formatTime(a.raised_at)),
          h('td', {}, stateCell(a)),
          h('td', {}, a.state === 'raised' && !a.pending && options.canAck ? ackForm(a, options) : null),
        ),
      ),
    ),
  );
}

function stateCell(a) {
  if (a.state === 'acknowledged')
    return [
      'acknowledged by ',
      h('b', {}, a.acknowledged_by ?? '?'),
      a.comment ? h('div', { class: 'comment' }, `"${a.comment}"`) : null,
    ];
  if (a.state === 'cleared') return ['cleared ', formatTime(a.cleared_at)];
  return a.pending ? 'raised (ack sent)' : 'raised';
}

function ackForm(alert, options) {
  const comment = h('input', {
    name: 'comment',
    maxlength: 500,
    placeholder: 'comment',
    'aria-label': 'comment',
  });
  return h(
    'form',
    {
      class: 'ack',
      onsubmit: (event) => {
        event.preventDefault();
        options.onAck(alert, comment.value);
      },
    },
    comment,
    h('button', { type: 'submit', title: `Acknowledge as ${options.user}` }, 'Acknowledge'),
  );
}

export function stationTable(model, now) {
  const rows = [...model.stations.values()].sort(
    (a, b) => a.kind.localeCompare(b.kind) || a.id.localeCompare(b.id),
  );
  return h(
    'table',
    { class: 'stations' },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        ['Station', 'Kind', 'District', 'Status', 'Last reading', 'Key values'].map((t) => h('th', {}, t)),
      ),
    ),
    h(
      'tbody',
      {},
      rows.map((st) => {
        const stale = isStale(st, model.kinds, now);
        const kind = model.kinds.get(st.kind);
        const status = st.status === 'unknown' ? (stale ? 'no data' : 'reporting') : st.status;
        return h(
          'tr',
          { class: stale ? 'stale' : '', 'data-station': st.id },
          h(
            'td',
            {},
            h('a', { href: stationHref(st.id) }, st.id),
            st.name ? h('div', { class: 'muted' }, st.name) : null,
          ),
          h('td', {}, kind?.title ?? st.kind),
          h('td', {}, st.district ?? '-'),
          h('td', {}, h('span', { class: `status ${st.status}` }, status)),
          h(
            'td',
            {},
            formatAge(st.last_ts, now),
            stale
              ? h('span', { class: 'stale-tag', title: 'older than 3x the expected interval' }, 'stale')
              : null,
          ),
          h(
            'td',
            { class: 'values' },
            (kind?.keyFields ?? []).map((f) =>
              h(
                'span',
                { class: 'kv' },
                `${f.field} `,
                h('b', {}, formatValue(st.values[f.field])),
                ` ${f.unit}`,
              ),
            ),
          ),
        );
      }),
    ),
  );
}

export function stationDetail(model, id, history, now) {
  const st = model.stations.get(id);
  if (!st) return h('p', {}, 'Unknown station ', h('code', {}, id), '. ', h('a', { href: '#/' }, 'Back'));
  const stale = isStale(st, model.kinds, now);
  const ispu = model.ispu.get(id);
  const alerts = [...model.alerts.values()].filter((a) => a.station === id);
  return h(
    'section',
    { class: 'detail' },
    h('p', {}, h('a', { href: '#/' }, '< all stations')),
    h('h2', {}, st.id, ' ', h('small', {}, model.kinds.get(st.kind)?.title ?? st.kind)),
    h(
      'dl',
      {},
      [
        ['Name', st.name ?? '-'],
        ['District', st.district ?? '-'],
        ['Operator', st.operator ?? '-'],
        ['Status', `${st.status}${stale ? ' (stale)' : ''}`],
        ['Last reading', `${formatTime(st.last_ts)} (${formatAge(st.last_ts, now)})`],
        [
          'Rejected messages',
          `${st.rejected}${st.last_reject_reason ? ` (last: ${st.last_reject_reason})` : ''}`,
        ],
      ].map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]),
      ispu
        ? [
            h('dt', {}, 'ISPU'),
            h('dd', {}, ispuChip(ispu), ispu.dominant ? ` dominant ${ispu.dominant}` : ''),
          ]
        : null,
    ),
    alerts.length ? [h('h3', {}, 'Alerts'), alertTable(alerts, { canAck: false })] : null,
    h('h3', {}, 'Last 24 h'),
    history.error
      ? h('p', { class: 'error' }, history.error)
      : !history.series
        ? h('p', { class: 'muted' }, 'Loading...')
        : history.series.length === 0
          ? h('p', { class: 'muted' }, 'No readings in InfluxDB for the last 24 h.')
          : h(
              'div',
              { class: 'charts' },
              history.series.map((series) =>
                h(
                  'figure',
                  { class: 'chart-box', 'data-field': series.field },
                  h(
                    'figcaption',
                    {},
                    `${series.field} (${series.unit})`,
                    ' ',
                    h('small', {}, series.description),
                  ),
                  lineChart(series),
                ),
              ),
            ),
  );
}
