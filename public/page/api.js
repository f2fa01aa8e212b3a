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
  const body = await res.json();
  return body?.data ?? body;
}

/** Public stations: id, name, kind, district, operator, lat, lon, parameters [{ field, unit }]. */
export const stations = () => get('/stations');

/**
 * Latest values of every public station, as a Map station -> { status, ts, values: [{ field, value,
 * unit, ts, state, validity }] }. The API may give values as a list or as an object by field.
 */
export async function latest() {
  const rows = await get('/latest');
  const out = new Map();
  for (const row of Array.isArray(rows) ? rows : []) {
    const values = Array.isArray(row.values)
      ? row.values
      : Object.entries(row.values ?? {}).map(([field, v]) =>
          typeof v === 'object' && v !== null ? { field, ...v } : { field, value: v },
        );
    out.set(row.station ?? row.id, { ...row, values });
  }
  return out;
}

/** The latest ISPU per air-quality station: Map station -> { ispu, category, ts, dominant }. */
export async function ispuLatest() {
  const rows = await get('/ispu/latest');
  return new Map((Array.isArray(rows) ? rows : []).map((r) => [r.station, r]));
}

/** Hourly means of one field over the last 24 hours: [{ ts, value, state }]. */
export async function lastDay(station, field, now = Date.now()) {
  const to = new Date(now).toISOString();
  const from = new Date(now - 24 * 3_600_000).toISOString();
  const query = new URLSearchParams({ station, field, from, to, averaging: 'hour' });
  const rows = await get(`/measurements?${query}`);
  return (Array.isArray(rows) ? rows : [])
    .map((r) => ({ ts: Date.parse(r.ts ?? r.time), value: r.value, state: r.state }))
    .filter((r) => Number.isFinite(r.ts) && typeof r.value === 'number');
}
