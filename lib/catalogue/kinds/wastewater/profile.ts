import { clamp, gaussian, round } from '../../../random.ts';
import { driver, type KindModel, localHour, type Profile, peak } from '../../simulation/model.ts';
import { recentRain } from '../../simulation/weather.ts';

/** Scenario drivers, 0 when normal: share of the plant's removal lost (1 = no treatment), influent change. */
const WASTEWATER_DRIVERS = ['treatment_loss', 'influent_change'] as const;

const HOUR_MS = 3_600_000;

/** Domestic water use: morning and evening peaks, a night minimum near 03:00 (mean ~ 1). */
function domesticPattern(hour: number): number {
  return 0.3 + 1.1 * peak(hour, 6.5, 1.4) + 0.8 * peak(hour, 19, 1.8) + 0.35 * peak(hour, 12, 2.5);
}

/** Two day shifts, machines washed down at shift change. */
function industrialPattern(hour: number): number {
  return hour >= 6 && hour < 22 ? 1.2 + 0.4 * peak(hour, 14, 0.5) : 0.25;
}

/**
 * A treatment plant (IPAL) outfall. The outfall follows the influent about 2 h later (retention in the
 * tanks damps and delays it). Influent BOD ~ 220 mg/L domestic; the plant removes ~90 % of BOD, less when
 * overloaded. COD = 2 x BOD plus a refractory part the biology cannot remove, so the effluent COD/BOD sits
 * near 3 when the plant works and falls toward raw sewage's ~2 when it fails. Rain infiltration raises
 * the flow and dilutes. Industrial outfalls run on shifts and carry more refractory COD.
 */
export const wastewaterProfile: Profile = (station, ts, random, input) => {
  const industrial = station.traits?.source === 'industrial';
  const lagged = localHour(ts - 2 * HOUR_MS);
  const pattern = industrial ? industrialPattern(lagged) : domesticPattern(lagged);
  const wet = recentRain(ts, input?.seed ?? 1);
  const infiltration = 1 + 0.02 * wet;
  const influent = pattern * (1 + driver(input, 'influent_change', 0));
  const flow = clamp(
    12 * station.intensity * influent * infiltration * (1 + 0.04 * gaussian(random)),
    0.1,
    9000,
  );
  const dilution = 1 / infiltration;
  const influentBod = (industrial ? 600 : 220) * (0.75 + 0.25 * influent) * dilution;
  const overload = Math.max(0, influent - 1.2) * 0.06;
  const loss = clamp(driver(input, 'treatment_loss', 0), 0, 1);
  const efficiency = clamp((0.92 - overload + 0.008 * gaussian(random)) * (1 - loss), 0, 0.995);
  const bod = influentBod * (1 - efficiency);
  const refractory = (industrial ? 60 : 22) * (1 + 0.05 * gaussian(random));
  const cod = 2 * bod + refractory * (0.4 + 0.6 * Math.min(1, efficiency / 0.9));
  const failing = clamp((0.9 - efficiency) / 0.6, 0, 1);
  return {
    flow: round(flow, 2),
    bod: round(clamp(bod, 0.5, 19000), 1),
    cod: round(clamp(cod, 2, 49000), 1),
    tss: round(clamp(bod * 0.9 * (1 + 0.1 * gaussian(random)), 1, 19000), 1),
    nh3n: round(clamp((2.5 + 2 * influent) * (1 + 8 * failing) + 0.3 * gaussian(random), 0.05, 1900), 2),
    oil_grease: round(clamp((0.8 + 0.6 * influent) * (1 + 4 * failing) + 0.1 * gaussian(random), 0, 4900), 2),
    total_coliform: round(clamp(900 * (1 + 300 * failing) * Math.exp(0.3 * gaussian(random)), 1, 9e8), 0),
    ph: round(clamp((industrial ? 7.6 : 7.1) - 0.3 * failing + 0.12 * gaussian(random), 4, 11), 2),
    temperature: round(28 + 1.5 * Math.sin(((localHour(ts) - 9) / 12) * Math.PI) + 0.2 * gaussian(random), 1),
  };
};

export const wastewaterModel: KindModel = { profile: wastewaterProfile, drivers: WASTEWATER_DRIVERS };
