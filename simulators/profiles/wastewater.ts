import { clamp, gaussian, round } from '../random.ts';
import { localHour, type Profile, peak } from './types.ts';

/**
 * Domestic IPAL outfall: influent follows water use (morning and evening peaks, night minimum); the
 * plant removes ~90 % of BOD, less when the hydraulic load is high; effluent COD/BOD stays near 2.5-3.
 */
export const wastewaterProfile: Profile = (station, ts, random) => {
  const hour = localHour(ts);
  const load = 0.35 + 0.8 * peak(hour, 6.5, 1.5) + 0.6 * peak(hour, 19, 2) + 0.2 * peak(hour, 12, 2);
  const flow = clamp(10 * station.intensity * load * (1 + 0.05 * gaussian(random)), 0.2, 9000);
  const influentBod = 220 * (0.8 + 0.4 * load);
  const efficiency = clamp(0.93 - 0.05 * load + 0.01 * gaussian(random), 0.5, 0.99);
  const bod = influentBod * (1 - efficiency);
  return {
    flow: round(flow, 2),
    bod: round(bod, 1),
    cod: round(bod * (2.6 + 0.2 * random()), 1),
    tss: round(clamp(bod * 0.9 * (1 + 0.1 * gaussian(random)), 1, 9000), 1),
    nh3n: round(clamp(4 + 3 * load + 0.5 * gaussian(random), 0.1, 1000), 2),
    oil_grease: round(clamp(1 + 0.8 * load + 0.2 * gaussian(random), 0, 1000), 2),
    ph: round(clamp(7.1 + 0.15 * gaussian(random), 5, 10), 2),
    temperature: round(28 + 1.5 * Math.sin(((hour - 9) / 12) * Math.PI) + 0.2 * gaussian(random), 1),
  };
};
