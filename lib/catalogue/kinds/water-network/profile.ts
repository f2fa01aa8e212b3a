import { clamp, gaussian, round } from '../../../random.ts';
import { driver, type KindModel, localHour, type Profile, peak } from '../../simulation/model.ts';

/** Scenario drivers, 0 when normal: water lost near the node (L/s), a burst's disturbance (0-1), lost supply head (bar). */
const WATER_NETWORK_DRIVERS = ['leak_lps', 'burst', 'supply_drop_bar'] as const;

/** Household demand relative to the daily mean: peaks 05:30 and 18:30, minimum 02:00-04:00. */
function demandPattern(hour: number): number {
  return 0.35 + 1.0 * peak(hour, 5.5, 1.3) + 0.8 * peak(hour, 18.5, 1.8) + 0.35 * peak(hour, 12, 3);
}

/**
 * A distribution node (PDAM district meter). Flow = demand + background leakage (the night minimum flow
 * is what is left when households sleep) + any leak. Head loss grows with flow^1.852 (Hazen-Williams), so
 * pressure falls as demand rises and collapses when a burst draws a large flow. Free chlorine decays
 * first-order with water age: distance from the treatment plant over velocity, so it dips at night when
 * water moves slowly. Reservoir nodes (`tank: true`) fill at night and draw down by day.
 */
const waterNetworkProfile: Profile = (station, ts, random, input) => {
  const hour = localHour(ts);
  const demand = demandPattern(hour);
  const design = 45 * station.intensity;
  const background = 0.08 * design;
  const leak = Math.max(0, driver(input, 'leak_lps', 0));
  const burst = clamp(driver(input, 'burst', 0), 0, 1);
  const flow = design * 0.6 * demand * (1 + 0.03 * gaussian(random)) + background + leak;
  const supply = 4.2 - driver(input, 'supply_drop_bar', 0);
  const headloss = 1.1 * (flow / design) ** 1.852;
  const elevation = 0.06 * station.distanceKm;
  const pressure = supply - headloss - elevation - 0.6 * burst + 0.03 * gaussian(random);
  const velocityFactor = 0.5 + 0.5 * Math.min(2, flow / (design * 0.6));
  const ageH = station.distanceKm / (1.2 * velocityFactor);
  const chlorine = 0.95 * Math.exp(-0.09 * ageH) + 0.01 * gaussian(random);
  const values: Record<string, number> = {
    flow: round(flow, 2),
    pressure: round(clamp(pressure, 0.02, 20), 3),
    free_chlorine: round(clamp(chlorine, 0.01, 5), 3),
    turbidity: round(clamp(0.5 + 0.1 * gaussian(random) + 25 * burst, 0.05, 3000), 2),
    ph: round(clamp(7.3 + 0.06 * gaussian(random), 6, 9), 2),
    temperature: round(27 + 0.8 * Math.sin(((hour - 10) / 12) * Math.PI) + 0.2 * gaussian(random), 1),
  };
  if (station.traits?.tank === true) {
    // Fullest before the morning peak (filled overnight), lowest in the late afternoon.
    values.tank_level = round(clamp(4.5 + 1.6 * Math.cos(((hour - 4) / 24) * 2 * Math.PI), 0.2, 49), 2);
  }
  return values;
};

export const waterNetworkModel: KindModel = { profile: waterNetworkProfile, drivers: WATER_NETWORK_DRIVERS };
