// The open-data API (/open/v1/), read the way any outside client reads it: the page has no other door.

const BASE = '/open/v1';

export class HttpError extends Error {
  constructor(status) {
    super(`HTTP ${status}`);
    this.status = status;
  }
}

async function get(path) {
  const res = await fetch(`${BASE}${path}`, { headers: { accept: 'application/json' } });
  if (!res.ok) throw new HttpError(res.status);
  return (await res.json()).data;
}

/** Public stations: id, name, kind, district, operator, lat, lon, parameters [{ field, unit }]. */
export const stations = () => get('/stations');

/**
 * Latest values of every public station, as a Map station -> { status, values: [{ field, value, unit,
 * time, state, validity }] }. The API answers one row per value (a station with no reading yet: one row
 * with its status and `field: null`).
 */
export async function latest() {
  const out = new Map();
  for (const row of await get('/latest')) {
    const entry = out.get(row.station) ?? { station: row.station, status: row.status, values: [] };
    if (row.field !== null && row.field !== undefined) entry.values.push(row);
    out.set(row.station, entry);
  }
  return out;
}

/** The latest ISPU per air-quality station: Map station -> { ispu, category, time, dominant }. */
export async function ispuLatest() {
  return new Map((await get('/ispu/latest')).map((r) => [r.station, r]));
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
