// The only way the console puts data on the page: elements built with the DOM API, text through text
// nodes. No innerHTML anywhere, so a station id or an alert message is always shown as text.

export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  setAttrs(el, attrs);
  append(el, children);
  return el;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

export function s(tag, attrs = {}, ...children) {
  const el = document.createElementNS(SVG_NS, tag);
  setAttrs(el, attrs);
  append(el, children);
  return el;
}

function setAttrs(el, attrs) {
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), value);
    else if (key === 'class') el.setAttribute('class', String(value));
    else el.setAttribute(key, value === true ? '' : String(value));
  }
}

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

const timeFormat = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Asia/Jakarta',
  day: '2-digit',
  month: 'short',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

/** Depok local time (WIB, UTC+7) whatever the browser's zone. */
export function formatTime(value) {
  const ms = typeof value === 'number' ? value : Date.parse(value ?? '');
  return Number.isFinite(ms) ? `${timeFormat.format(ms)} WIB` : '-';
}

export function formatAge(ms, now) {
  if (!Number.isFinite(ms)) return 'never';
  const s = Math.max(0, Math.round((now - ms) / 1000));
  if (s < 90) return `${s} s ago`;
  if (s < 5400) return `${Math.round(s / 60)} min ago`;
  if (s < 172800) return `${Math.round(s / 3600)} h ago`;
  return `${Math.round(s / 86400)} d ago`;
}

/** The step of the last digit formatValue shows at this magnitude (1, 0.1 or 0.01). */
function valueStep(value) {
  const abs = Math.abs(value);
  if (abs >= 1000) return 1;
  if (abs >= 10) return 0.1;
  return 0.01;
}

export function formatValue(value) {
  if (typeof value !== 'number' || !Number.isFinite(value)) return '-';
  return value.toFixed(Math.round(-Math.log10(valueStep(value))));
}

/** Seconds as people say them: "3.5 s", "3 min 5 s", "2 h 10 min", "1 d 3 h" (as the flows' messages do). */
export function formatDuration(seconds) {
  if (typeof seconds !== 'number' || !Number.isFinite(seconds)) return '-';
  const sign = seconds < 0 ? '-' : '';
  const s = Math.abs(seconds);
  if (s < 60) return `${sign}${Number(s.toPrecision(4))} s`;
  const pair = (n, per, big, small) => {
    const hi = Math.floor(n / per);
    const lo = n - hi * per;
    return `${sign}${hi} ${big}${lo === 0 ? '' : ` ${lo} ${small}`}`;
  };
  const secs = Math.round(s);
  if (secs < 3600) return pair(secs, 60, 'min', 's');
  const mins = Math.round(s / 60);
  if (mins < 1440) return pair(mins, 60, 'h', 'min');
  return pair(Math.round(s / 3600), 24, 'd', 'h');
}

/** An alert's value and limit; in seconds (staleness) they are durations, not "185.0 ug/m3". */
export function formatAlertValue(alert) {
  if (alert.unit === 's') return `${formatDuration(alert.value)} / ${formatDuration(alert.limit)}`;
  return `${formatValue(alert.value)} / ${formatValue(alert.limit)} ${alert.unit ?? ''}`.trim();
}
