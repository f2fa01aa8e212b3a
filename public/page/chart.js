// The last 24 hours of one field as a small inline SVG: a line over hourly means, the axis labelled
// with the lowest and highest value, hours in WIB. Drawn here (a few dozen points need no library).

const NS = 'http://www.w3.org/2000/svg';
const W = 320;
const H = 120;
const PAD = { left: 40, right: 8, top: 10, bottom: 22 };

const el = (name, attrs = {}, text) => {
  const node = document.createElementNS(NS, name);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  if (text !== undefined) node.textContent = text;
  return node;
};

/** WIB hour of a time (`14`), whatever the viewer's zone. */
const hourWib = (ts) =>
  new Intl.DateTimeFormat('en-GB', { hour: '2-digit', hourCycle: 'h23', timeZone: 'Asia/Jakarta' }).format(
    ts,
  );

/**
 * points: [{ ts, value }] sorted by time; `format` turns a number into the page language's digits;
 * `label` is the chart's accessible name. Returns an <svg>.
 */
export function lineChart(points, { format, label, colour = '#2166ac', from, to }) {
  const svg = el('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': label, class: 'chart' });
  const values = points.map((p) => p.value);
  let min = Math.min(...values);
  let max = Math.max(...values);
  if (min === max) {
    min -= 1;
    max += 1;
  }
  const x = (ts) => PAD.left + ((ts - from) / (to - from)) * (W - PAD.left - PAD.right);
  const y = (v) => PAD.top + (1 - (v - min) / (max - min)) * (H - PAD.top - PAD.bottom);
  svg.append(
    el('line', { x1: PAD.left, x2: W - PAD.right, y1: H - PAD.bottom, y2: H - PAD.bottom, class: 'axis' }),
    el('text', { x: PAD.left - 4, y: y(max) + 4, 'text-anchor': 'end', class: 'tick' }, format(max)),
    el('text', { x: PAD.left - 4, y: y(min) + 4, 'text-anchor': 'end', class: 'tick' }, format(min)),
  );
  for (let h = 0; h <= 24; h += 6) {
    const ts = from + h * 3_600_000;
    svg.append(el('text', { x: x(ts), y: H - 6, 'text-anchor': 'middle', class: 'tick' }, hourWib(ts)));
  }
  const d = points.map((p, i) => `${i ? 'L' : 'M'}${x(p.ts).toFixed(1)},${y(p.value).toFixed(1)}`).join('');
  svg.append(el('path', { d, fill: 'none', stroke: colour, 'stroke-width': 2, class: 'series' }));
  for (const p of points) svg.append(el('circle', { cx: x(p.ts), cy: y(p.value), r: 2, fill: colour }));
  return svg;
}
