import { findKind } from '../lib/catalogue/index.ts';
import type { Device } from '../lib/registry/schema.ts';
import type { IspuPoint, LatestReading, PublicData, SeriesPoint } from './core/source.ts';

/**
 * A data source in memory for the app tests and the benchmark: every field of every station reports
 * at its kind's interval, a value that follows the hour, with code 0; each air station has an hourly
 * ISPU. `calls` counts the queries (the caches' tests read it).
 */
export function fakeData(devices: readonly Pick<Device, 'id' | 'kind'>[], now: () => number) {
  const calls = { latest: 0, series: 0, ispuLatest: 0, ispuHistory: 0 };
  const kindOf = new Map(devices.map((d) => [d.id, d.kind]));
  const valueAt = (field: string, ts: number) => 10 + (field.length % 5) + ((ts / 3_600_000) % 24);
  const ispuAt = (station: string, ts: number): IspuPoint => ({
    ts,
    ispu: 40 + (station.length % 7) * 10,
    category: station.length % 2 ? 'Sedang' : 'Baik',
    dominant: 'pm25',
    subIndices: { pm25: 40, pm10: 20 },
  });
  const data: PublicData = {
    async latest(kind, stations) {
      calls.latest++;
      const spec = findKind(kind);
      const out = new Map<string, LatestReading>();
      const ts = Math.floor(now() / 60_000) * 60_000;
      for (const id of stations) {
        if (kindOf.get(id) !== kind || !spec) continue;
        const reading: LatestReading = { ts, values: {}, validity: {} };
        for (const field of Object.keys(spec.fields)) {
          reading.values[field] = field === 'ph' ? 7.2 : field === 'pressure' ? 2.5 : valueAt(field, ts);
          reading.validity[field] = 0;
        }
        out.set(id, reading);
      }
      return out;
    },
    async series(kind, station, field, from, to) {
      calls.series++;
      const intervalMs = (findKind(kind)?.expectedIntervalS ?? 60) * 1000;
      const points: SeriesPoint[] = [];
      if (kindOf.get(station) !== kind) return points;
      for (let t = Math.ceil(from / intervalMs) * intervalMs; t < to && t <= now(); t += intervalMs)
        points.push([t, valueAt(field, t), 0]);
      return points;
    },
    async ispuLatest(stations) {
      calls.ispuLatest++;
      const hour = Math.floor(now() / 3_600_000) * 3_600_000;
      return new Map(
        stations.filter((id) => kindOf.get(id) === 'air_quality').map((id) => [id, ispuAt(id, hour)]),
      );
    },
    async ispuHistory(station, from, to) {
      calls.ispuHistory++;
      const points: IspuPoint[] = [];
      if (kindOf.get(station) !== 'air_quality') return points;
      for (let t = Math.ceil(from / 3_600_000) * 3_600_000; t < to && t <= now(); t += 3_600_000)
        points.push(ispuAt(station, t));
      return points;
    },
  };
  return { data, calls };
}
