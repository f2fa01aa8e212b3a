/** What a profile knows about a station: stable per-station traits drawn once from its seed. */
export type StationTraits = {
  id: string;
  kind: string;
  /** 0.5 (quiet residential) .. 1.5 (arterial road, big plant, trunk main). */
  intensity: number;
  /** Network distance from the treatment plant, km (water network chlorine decay). */
  distanceKm: number;
};

/** Local hour in Depok (WIB, UTC+7) as a fraction, 0 <= h < 24. */
export function localHour(ts: number): number {
  return (((ts / 3_600_000 + 7) % 24) + 24) % 24;
}

/** Day of week in WIB, 0 = Sunday. */
export function localWeekday(ts: number): number {
  return new Date(ts + 7 * 3_600_000).getUTCDay();
}

/** A smooth bump centred on `centre` hours with the given width (hours). */
export function peak(hour: number, centre: number, width: number): number {
  const d = Math.min(Math.abs(hour - centre), 24 - Math.abs(hour - centre));
  return Math.exp(-(d * d) / (2 * width * width));
}

/** A kind's model: traits + device time + random source -> values in catalogue units. */
export type Profile = (station: StationTraits, ts: number, random: () => number) => Record<string, number>;
