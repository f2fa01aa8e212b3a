import { clamp, gaussian, round } from '../../../random.ts';
import {
  driver,
  type KindModel,
  localHour,
  localWeekday,
  type Profile,
  peak,
} from '../../simulation/model.ts';
import { rainfall, recentRain } from '../../simulation/weather.ts';

/**
 * Scenario drivers, all 0 when nothing happens (so ramps and overlapping events add up): regional haze
 * (PM2.5 added, ug/m3), traffic change (-0.5 = half the traffic), extra rain now (mm/h) and of late (mm).
 */
const AIR_QUALITY_DRIVERS = ['haze_pm25', 'traffic_change', 'rain_mm_h', 'recent_rain_mm'] as const;

/**
 * Urban air in Depok. Traffic peaks around 07:15 and 17:45 WIB (commuters to Jakarta); Saturday carries
 * ~80 % of a weekday's traffic, Sunday ~60 % (car-free mornings). At night a shallow boundary layer
 * traps emissions, by day convection dilutes them. Rain scrubs particles (washout) far more than gases.
 * PM2.5, PM10, NO2, CO and HC share one traffic term and one noise factor, so they move together; ozone
 * follows sunlight and is titrated by NO from traffic. Haze (biomass smoke) adds fine particles and CO.
 */
export const airQualityProfile: Profile = (station, ts, random, input) => {
  const seed = input?.seed ?? 1;
  const hour = localHour(ts);
  const weekday = localWeekday(ts);
  const weekend = weekday === 0 ? 0.6 : weekday === 6 ? 0.8 : 1;
  const traffic =
    (0.25 + 1.0 * peak(hour, 7.25, 1.2) + 0.85 * peak(hour, 17.75, 1.6) + 0.35 * peak(hour, 12.5, 2.5)) *
    weekend *
    (1 + driver(input, 'traffic_change', 0));
  const sun = Math.max(0, Math.sin(((hour - 6) / 12) * Math.PI));
  const dispersion = 0.55 + 0.9 * sun;
  const rain = rainfall(ts, seed) + Math.max(0, driver(input, 'rain_mm_h', 0));
  const wet = recentRain(ts, seed) + Math.max(0, driver(input, 'recent_rain_mm', 0));
  const washout = Math.max(0.3, Math.exp(-0.07 * wet));
  const haze = Math.max(0, driver(input, 'haze_pm25', 0));
  const local = (traffic * station.intensity) / dispersion;
  const common = Math.exp(0.12 * gaussian(random));
  const industrial = station.traits?.industrial === true ? 1 : 0;

  const fine = (14 + 16 * local) * washout * common;
  const pm25 = fine + haze;
  // Coarse dust from roads, kept down while the ground is wet; smoke is nearly all fine (PM2.5/PM10 ~ 0.85).
  const coarse = (0.55 + 0.1 * random()) * fine + 7 * traffic * station.intensity * Math.exp(-0.2 * wet);
  const pm10 = pm25 + coarse + 0.18 * haze;
  const gasWash = washout ** 0.25;
  const no2 = (10 + 28 * local) * common * gasWash;
  const storm = Math.min(1, rain / 8);
  return {
    pm25: round(clamp(pm25, 1, 990), 1),
    pm10: round(clamp(pm10, 2, 1990), 1),
    no2: round(clamp(no2, 1, 4000), 1),
    so2: round(clamp((6 + 4 * local + 18 * industrial) * common * gasWash, 0.5, 4000), 1),
    co: round(clamp((350 + 900 * local) * common + 12 * haze, 50, 90000), 0),
    o3: round(
      clamp(
        (15 + 85 * sun ** 1.5) * (1 - 0.5 * storm) * (1 - 0.15 * Math.min(1, haze / 80)) - 0.3 * no2,
        2,
        1500,
      ),
      1,
    ),
    hc: round(clamp((35 + 55 * local) * common + 0.6 * haze, 5, 9000), 1),
    temperature: round(24 + 8 * sun - 4 * storm + 0.4 * gaussian(random), 1),
    humidity: round(clamp(0.92 - 0.3 * sun + 0.08 * storm + 0.02 * gaussian(random), 0.3, 1), 2),
    pressure: round(1009 + 1.5 * Math.sin((hour / 12) * Math.PI) + 0.3 * gaussian(random), 1),
    wind_speed: round(clamp(1 + 2.5 * sun + 4 * storm + 0.5 * gaussian(random), 0, 40), 1),
    wind_direction: round((((200 + 40 * gaussian(random)) % 360) + 360) % 360, 0),
    rainfall: round(clamp(rain, 0, 290), 1),
  };
};

export const airQualityModel: KindModel = { profile: airQualityProfile, drivers: AIR_QUALITY_DRIVERS };
