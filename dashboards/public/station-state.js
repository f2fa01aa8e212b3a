// Whether a station is late or online, from its last reading and status (the overview and the station list).

export function isStale(station, kinds, now) {
  const interval = kinds.get(station.kind)?.expectedIntervalS ?? 60;
  return !Number.isFinite(station.last_ts) || now - station.last_ts > 3 * interval * 1000;
}

export function isOnline(station, stale) {
  return station.status === 'online' || (station.status === 'unknown' && !stale);
}
