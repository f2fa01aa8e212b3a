// The open-data API (/open/v1/), read the way any outside client reads it: the page has no other door.

const BASE = '/open/v1';

export class HttpError extends Error {
  constructor(status) {
    super(`HTTP ${status}`);
    this.status = status;
  }
}

// The last answer of each path with its ETag: asked again with If-None-Match, a 304 means "the same as
// before" and costs neither a body nor a redraw. `cache: 'no-store'` so the browser's cache neither
// answers for the server (max-age) nor turns the 304 into a 200 the page could not tell apart.
const known = new Map();

async function answer(path, keep = true) {
  const before = keep ? known.get(path) : undefined;
  const headers = { accept: 'application/json' };
  if (before) headers['if-none-match'] = before.etag;
  const res = await fetch(`${BASE}${path}`, { headers, cache: 'no-store' });
  if (res.status === 304 && before) return { data: before.data, changed: false };
  if (!res.ok) throw new HttpError(res.status);
  const data = (await res.json()).data;
  const etag = res.headers.get('etag');
  if (etag && keep) known.set(path, { etag, data });
  return { data, changed: true };
}

// A one-off question (a station's last 24 hours: its range moves each time): nothing kept.
const get = async (path) => (await answer(path, false)).data;

/**
 * Latest values of every public station, as a Map station -> { status, values: [{ field, value, unit,
 * time, state, validity }] }. The API answers one row per value (a station with no reading yet: one row
 * with its status and `field: null`).
 */
function byStation(rows) {
  const out = new Map();
  for (const row of rows) {
    const entry = out.get(row.station) ?? { station: row.station, status: row.status, values: [] };
    if (row.field !== null && row.field !== undefined) entry.values.push(row);
    out.set(row.station, entry);
  }
  return out;
}

/**
 * Public stations (id, name, kind, district, operator, lat, lon, parameters [{ field, unit }]), latest
 * values (`byStation`) and ISPU per air station ({ ispu, category, time, dominant }) at once, each
 * revalidated by its ETag; `changed` is false when all three answered 304. ISPU that cannot be read is
 * none (the map shows air stations as unknown).
 */
export async function snapshot() {
  const [s, l, i] = await Promise.all([
    answer('/stations'),
    answer('/latest'),
    answer('/ispu/latest').catch(() => ({ data: [], changed: true })),
  ]);
  return {
    changed: s.changed || l.changed || i.changed,
    stations: s.data,
    latest: byStation(l.data),
    ispu: new Map(i.data.map((r) => [r.station, r])),
  };
}

/** Hourly means of one field over the last 24 hours: [{ ts, value, state }]. */
export async function lastDay(station, field, now = Date.now()) {
  const to = new Date(now).toISOString();
  const from = new Date(now - 24 * 3_600_000).toISOString();
  const query = new URLSearchParams({ station, field, from, to, averaging: 'hour' });
  const rows = await get(`/measurements?${query}`);
  return rows
    .map((r) => ({ ts: Date.parse(r.time), value: r.value, state: r.state }))
    .filter((r) => Number.isFinite(r.ts) && typeof r.value === 'number');
}
