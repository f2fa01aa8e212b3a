/**
 * What a profile knows about a station: stable traits from the station catalogue
 * (simulators/stations/depok.json).
 */
export type StationTraits = {
  id: string;
  kind: string;
  /** 0.5 (quiet residential) .. 1.5 (arterial road, big plant, trunk main). */
  intensity: number;
  /** Network distance from the treatment plant, km (water network chlorine decay). */
  distanceKm: number;
  /** Kind-specific traits, e.g. `source: "industrial"` for an outfall or `tank: true` for a reservoir. */
  traits?: Record<string, string | number | boolean>;
};

/**
 * What a scenario can push into a model: named drivers (`haze_pm25`, `treatment_efficiency`, `leak_lps`,
 * ...; each profile lists the ones it reads) and the city seed its shared weather is drawn from.
 */
type ModelInput = {
  seed?: number;
  drivers?: Readonly<Record<string, number>>;
};

/** Local hour in Depok (WIB, UTC+7) as a fraction, 0 <= h < 24. */
export function localHour(ts: number): number {
  return (((ts / 3_600_000 + 7) % 24) + 24) % 24;
}

/** Day of week in WIB, 0 = Sunday. */
export function localWeekday(ts: number): number {
  return new Date(ts + 7 * 3_600_000).getUTCDay();
}

/** Local day number (days since 1970-01-01 WIB), the key of the day's weather. */
export function localDay(ts: number): number {
  return Math.floor((ts + 7 * 3_600_000) / 86_400_000);
}

/** A smooth bump centred on `centre` hours with the given width (hours), wrapping round midnight. */
export function peak(hour: number, centre: number, width: number): number {
  const d = Math.min(Math.abs(hour - centre), 24 - Math.abs(hour - centre));
  return Math.exp(-(d * d) / (2 * width * width));
}

/** A kind's model: traits + device time + random source (+ scenario drivers) -> values in catalogue units. */
export type Profile = (
  station: StationTraits,
  ts: number,
  random: () => number,
  input?: ModelInput,
) => Record<string, number>;

/** A profile plus the scenario drivers it understands (scenario files are checked against them). */
export type KindModel = { profile: Profile; drivers: readonly string[] };

export function driver(input: ModelInput | undefined, name: string, fallback: number): number {
  const value = input?.drivers?.[name];
  return value === undefined ? fallback : value;
}
