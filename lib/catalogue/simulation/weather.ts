import { hashSeed, seededRandom } from '../../random.ts';
import { localDay, localHour } from './model.ts';

/**
 * City-wide weather as a pure function of (seed, time), so every station sees the same storm and a
 * value can be computed for any instant without replaying history. Depok sits beside Bogor, the
 * "rain city": convective storms in the afternoon on about half the days.
 */
type Storm = { startH: number; durationH: number; peakMmH: number } | undefined;

const storms = new Map<string, Storm>();

function stormOf(seed: number, day: number): Storm {
  const key = `${seed}:${day}`;
  if (storms.has(key)) return storms.get(key);
  const random = seededRandom(hashSeed(`${seed}:rain:${day}`));
  const wet = random() < 0.45;
  const storm = wet
    ? { startH: 13 + 4 * random(), durationH: 0.75 + 2.25 * random(), peakMmH: 4 + 40 * random() * random() }
    : undefined;
  if (storms.size > 10_000) storms.clear();
  storms.set(key, storm);
  return storm;
}

/** Rain intensity in mm/h at `ts`. */
export function rainfall(ts: number, seed = 1): number {
  const storm = stormOf(seed, localDay(ts));
  if (!storm) return 0;
  const h = localHour(ts) - storm.startH;
  if (h < 0 || h > storm.durationH) return 0;
  return storm.peakMmH * Math.sin((Math.PI * h) / storm.durationH);
}

/**
 * Rain of the last few hours, weighted by an e-folding time of 3 h: how much the air has been
 * scrubbed (washout) and the sewers diluted. Sampled every 20 minutes over 9 hours.
 */
export function recentRain(ts: number, seed = 1): number {
  let total = 0;
  for (let k = 0; k < 27; k++) {
    const ageH = k / 3;
    total += rainfall(ts - ageH * 3_600_000, seed) * (1 / 3) * Math.exp(-ageH / 3);
  }
  return total;
}
