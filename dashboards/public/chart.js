import { formatTime, formatValue, s } from './dom.js';
import { t, words } from './i18n.js';

const W = 360;
const H = 110;
const PAD = { left: 46, right: 8, top: 8, bottom: 18 };

/**
 * The value axis [low, high] for a series: the data's range, unless its two labels would read the
 * same (a flat 1008 once read "1008 / 1008"): then ±1 % around the middle, at least ±1 unit. A series
 * that is never negative never gets a negative axis (a constant 0 reads 0..1, not -1..1).
 */
export function axisRange(values) {
  const ys = values.filter((v) => Number.isFinite(v));
  if (ys.length === 0) return [0, 1];
  let [low, high] = [Math.min(...ys), Math.max(...ys)];
  if (formatValue(low) === formatValue(high)) {
    const mid = (low + high) / 2;
    const pad = Math.max(Math.abs(mid) * 0.01, 1);
    [low, high] = [Math.min(low, mid - pad), Math.max(high, mid + pad)];
  }
  if (Math.min(...ys) >= 0) low = Math.max(0, low);
  return [low, high];
}

/** A small line chart as inline SVG: one field's points [[ts, value], ...] with its unit. */
export function lineChart(series) {
  const pts = series.points;
  const xs = pts.map((p) => p[0]);
  const ys = pts.map((p) => p[1]);
  const [y0, y1] = axisRange(ys);
  const [x0, x1] = [Math.min(...xs), Math.max(...xs, Math.min(...xs) + 1)];
  const px = (x) => PAD.left + ((x - x0) / (x1 - x0)) * (W - PAD.left - PAD.right);
  const py = (y) => H - PAD.bottom - ((y - y0) / (y1 - y0)) * (H - PAD.top - PAD.bottom);
  const line = pts.map(([x, y]) => `${px(x).toFixed(1)},${py(y).toFixed(1)}`).join(' ');
  const last = pts[pts.length - 1];
  return s(
    'svg',
    {
      viewBox: `0 0 ${W} ${H}`,
      class: 'chart',
      role: 'img',
      'aria-label': t('chart.label', {
        field: series.description ?? series.field,
        unit: words().unit(series.unit),
        count: pts.length,
      }),
    },
    s('title', {}, t('chart.title', { description: series.description, unit: words().unit(series.unit) })),
    s('line', { x1: PAD.left, y1: H - PAD.bottom, x2: W - PAD.right, y2: H - PAD.bottom, class: 'axis' }),
    s('line', { x1: PAD.left, y1: PAD.top, x2: PAD.left, y2: H - PAD.bottom, class: 'axis' }),
    s('text', { x: PAD.left - 4, y: PAD.top + 8, class: 'tick', 'text-anchor': 'end' }, formatValue(y1)),
    s('text', { x: PAD.left - 4, y: H - PAD.bottom, class: 'tick', 'text-anchor': 'end' }, formatValue(y0)),
    s('text', { x: PAD.left, y: H - 4, class: 'tick' }, formatTime(x0)),
    s('text', { x: W - PAD.right, y: H - 4, class: 'tick', 'text-anchor': 'end' }, formatTime(x1)),
    pts.length === 1
      ? s('circle', { cx: px(last[0]), cy: py(last[1]), r: 3, class: 'line' })
      : s('polyline', { points: line, class: 'line' }),
  );
}
