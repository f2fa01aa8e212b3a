import { clamp, gaussian, round } from '../random.ts';
import { localHour, type Profile, peak } from './types.ts';

/**
 * Distribution node: demand peaks at 05:30 and 18:30 with a night minimum near 03:00; head loss
 * grows with the square of flow, so pressure falls as demand rises; free chlorine decays
 * first-order with network distance from the treatment plant.
 */
export const waterNetworkProfile: Profile = (station, ts, random) => {
  const hour = localHour(ts);
  const demand = 0.25 + 0.9 * peak(hour, 5.5, 1.5) + 0.8 * peak(hour, 18.5, 2) + 0.3 * peak(hour, 12, 3);
  const flow = 40 * station.intensity * demand * (1 + 0.03 * gaussian(random));
  const pressure = 3.4 - 1.1 * demand * demand - 0.08 * station.distanceKm + 0.03 * gaussian(random);
  const chlorine = 0.9 * Math.exp(-0.12 * station.distanceKm) + 0.01 * gaussian(random);
  return {
    flow: round(flow, 2),
    pressure: round(clamp(pressure, 0.2, 20), 3),
    free_chlorine: round(clamp(chlorine, 0.01, 5), 3),
    turbidity: round(clamp(0.6 + 0.15 * gaussian(random), 0.05, 100), 2),
    ph: round(clamp(7.3 + 0.08 * gaussian(random), 6, 9), 2),
    temperature: round(27 + 0.3 * gaussian(random), 1),
  };
};
