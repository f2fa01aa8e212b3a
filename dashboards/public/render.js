import { lineChart } from './chart.js';
import { formatAge, formatAlertValue, formatTime, formatValue, h } from './dom.js';
import { fieldLabel } from './field-label.js';
import { alertText, fieldDescription, kindTitle, t, words } from './i18n.js';
import { ispuChip, ispuHint } from './ispu.js';
import { isOnline, isStale } from './station-state.js';

export { ispuChip, ispuHint } from './ispu.js';
export { isOnline, isStale } from './station-state.js';

const SEVERITY = { warning: 'severity.warning', critical: 'severity.critical' };
const STATUS = {
  online: 'status.online',
  offline: 'status.offline',
  reporting: 'status.reporting',
  no_data: 'status.no_data',
};
const label = (keys, value) => (Object.hasOwn(keys, value) ? t(keys[value]) : String(value ?? '-'));

/** A series' field by the catalogue's name, else the description it came with. */
const named = (kind, series) => fieldDescription(kind, series.field, series.description);
const stationHref = (id) => `#/station/${encodeURIComponent(id)}`;

export function summary(model, now) {
  const stations = [...model.stations.values()];
  const online = stations.filter((st) => isOnline(st, isStale(st, model.kinds, now))).length;
  const stale = stations.filter((st) => isStale(st, model.kinds, now)).length;
  const active = [...model.alerts.values()].filter((a) => a.state !== 'cleared');
  const critical = active.filter((a) => a.severity === 'critical').length;
  const n = (count) => words().number(count);
  // A count in bold, then what it counts (the words may depend on the count: plurals).
  const card = (className, shown, key, count) =>
    h('div', { class: `card ${className}` }, h('b', {}, shown), ' ', t(key, { count }));
  return h(
    'section',
    { class: 'summary', 'aria-label': t('summary.label') },
    card('', `${n(online)}/${n(stations.length)}`, 'summary.online', stations.length),
    card(stale ? 'warn' : '', n(stale), 'summary.stale', stale),
    card(critical ? 'crit' : '', n(critical), 'summary.critical', critical),
    card('', n(active.length - critical), 'summary.warnings', active.length - critical),
    h(
      'div',
      { class: 'card ispu-list' },
      t('summary.ispu'),
      ' ',
      [...model.ispu.values()].length === 0
        ? h('span', { class: 'muted ispu-hint' }, ispuHint(model.stations.values(), now))
        : [...model.ispu.values()].map((i) =>
            h('a', { href: stationHref(i.station), class: 'ispu-item' }, i.station, ' ', ispuChip(i)),
          ),
    ),
  );
}

export function alertTable(alerts, options) {
  if (alerts.length === 0) return h('p', { class: 'muted' }, t('alerts.none'));
  return h(
    'table',
    { class: 'alerts' },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        [
          'alerts.severity',
          'alerts.station',
          'alerts.parameter',
          'alerts.message',
          'alerts.value',
          'alerts.raised',
          'alerts.state',
        ].map((key) => h('th', {}, t(key))),
        h('th', {}),
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
            h('span', { class: `sev ${a.severity}` }, label(SEVERITY, a.severity)),
            a.provisional
              ? h('small', { title: t('alerts.provisional_title') }, ' ', t('alerts.provisional'))
              : null,
            // A maintenance window: shown, never notified (flows/README.md "Validity codes and maintenance windows").
            a.muted
              ? h('small', { class: 'alert-muted', title: t('alerts.muted_title') }, ' ', t('alerts.muted'))
              : null,
          ),
          h('td', { class: 'nowrap' }, h('a', { href: stationHref(a.station) }, a.station)),
          h(
            'td',
            {},
            a.parameter ? fieldLabel(a.kind, a.parameter) : a.rule,
            a.averaging ? h('small', {}, ` (${words().averaging(a.averaging)})`) : null,
          ),
          h('td', { class: 'message' }, alertText(a)),
          h('td', { class: 'value' }, formatAlertValue(a)),
          h('td', { class: 'nowrap' }, formatTime(a.raised_at)),
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
      t('alerts.acknowledged_by'),
      ' ',
      h('b', {}, a.acknowledged_by ?? '?'),
      a.comment ? h('div', { class: 'comment' }, t('alerts.comment_quoted', { comment: a.comment })) : null,
    ];
  if (a.state === 'cleared') return t('alerts.cleared_at', { time: formatTime(a.cleared_at) });
  return a.pending ? t('alerts.raised_pending') : t('alerts.raised_state');
}

function ackForm(alert, options) {
  const comment = h('input', {
    name: 'comment',
    maxlength: 500,
    placeholder: t('alerts.comment'),
    'aria-label': t('alerts.comment'),
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
    h('button', { type: 'submit', title: t('alerts.ack_as', { user: options.user }) }, t('alerts.ack')),
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
        [
          'stations.station',
          'stations.kind',
          'stations.district',
          'stations.status',
          'stations.last_reading',
          'stations.key_values',
        ].map((key) => h('th', {}, t(key))),
      ),
    ),
    h(
      'tbody',
      {},
      rows.map((st) => {
        const stale = isStale(st, model.kinds, now);
        const kind = model.kinds.get(st.kind);
        const status = st.status === 'unknown' ? (stale ? 'no_data' : 'reporting') : st.status;
        return h(
          'tr',
          { class: stale ? 'stale' : '', 'data-station': st.id },
          h(
            'td',
            {},
            h('a', { href: stationHref(st.id) }, st.id),
            st.name ? h('div', { class: 'muted' }, st.name) : null,
          ),
          h('td', {}, kindTitle(st.kind, kind?.title)),
          h('td', {}, st.district ?? '-'),
          h('td', {}, h('span', { class: `status ${st.status}` }, label(STATUS, status))),
          h(
            'td',
            {},
            formatAge(st.last_ts, now),
            stale
              ? h('span', { class: 'stale-tag', title: t('stations.stale_title') }, t('stations.stale'))
              : null,
          ),
          h(
            'td',
            { class: 'values' },
            (kind?.keyFields ?? []).map((f) =>
              h(
                'span',
                { class: 'kv' },
                fieldLabel(st.kind, f.field),
                ' ',
                h('b', {}, formatValue(st.values[f.field])),
                ` ${words().unit(f.unit)}`,
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
  if (!st)
    return h(
      'p',
      {},
      t('station.unknown'),
      ' ',
      h('code', {}, id),
      ' ',
      h('a', { href: '#/' }, t('station.back')),
    );
  const stale = isStale(st, model.kinds, now);
  // As the station table says it: "unknown" is reporting or no data, by the readings' age.
  const status = st.status === 'unknown' ? (stale ? 'no_data' : 'reporting') : st.status;
  const ispu = model.ispu.get(id);
  const alerts = [...model.alerts.values()].filter((a) => a.station === id);
  return h(
    'section',
    { class: 'detail' },
    h('p', {}, h('a', { href: '#/' }, t('station.all'))),
    h('h2', {}, st.id, ' ', h('small', {}, kindTitle(st.kind, model.kinds.get(st.kind)?.title))),
    h(
      'dl',
      {},
      [
        ['station.name', st.name ?? '-'],
        ['station.district', st.district ?? '-'],
        ['station.operator', st.operator ?? '-'],
        [
          'station.status',
          stale ? t('station.status_stale', { status: label(STATUS, status) }) : label(STATUS, status),
        ],
        ['station.last_reading', `${formatTime(st.last_ts)} (${formatAge(st.last_ts, now)})`],
        [
          'station.rejected',
          st.last_reject_reason
            ? t('station.rejected_last', { count: st.rejected, reason: st.last_reject_reason })
            : words().number(st.rejected),
        ],
      ].map(([k, v]) => [h('dt', {}, t(k)), h('dd', {}, v)]),
      ispu
        ? [
            h('dt', {}, t('station.ispu')),
            h(
              'dd',
              {},
              ispuChip(ispu),
              ispu.dominant
                ? ` ${t('station.dominant', { pollutant: fieldDescription(st.kind, ispu.dominant) })}`
                : '',
            ),
          ]
        : null,
    ),
    alerts.length ? [h('h3', {}, t('station.alerts')), alertTable(alerts, { canAck: false })] : null,
    h('h3', {}, t('station.last_24h')),
    history.error
      ? h('p', { class: 'error' }, history.error)
      : !history.series
        ? h('p', { class: 'muted' }, t('common.loading'))
        : history.series.length === 0
          ? h('p', { class: 'muted' }, t('station.no_history'))
          : h(
              'div',
              { class: 'charts' },
              history.series.map((series) =>
                h(
                  'figure',
                  { class: 'chart-box', 'data-field': series.field },
                  h(
                    'figcaption',
                    { title: series.field },
                    t('station.series', { field: named(st.kind, series), unit: words().unit(series.unit) }),
                  ),
                  lineChart({ ...series, description: named(st.kind, series) }),
                ),
              ),
            ),
  );
}
