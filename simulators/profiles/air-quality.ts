import { clamp, gaussian, round } from '../random.ts';
import { localHour, localWeekday, type Profile, peak } from './types.ts';

/**
 * Urban air: traffic peaks around 07:30 and 18:00 WIB drive PM and NO2/CO together; ozone follows
 * sunlight (a midday peak, titrated by NO at rush hour); weekends carry ~25 % less traffic.
 */
export const airQualityProfile: Profile = (station, ts, random) => {
  const hour = localHour(ts);
  const weekday = localWeekday(ts);
  const weekend = weekday === 0 || weekday === 6 ? 0.75 : 1;
  const traffic = (0.35 + 0.9 * peak(hour, 7.5, 1.5) + 0.8 * peak(hour, 18, 2)) * weekend * station.intensity;
  const sun = Math.max(0, Math.sin(((hour - 6) / 12) * Math.PI));
  const noise = () => 1 + 0.08 * gaussian(random);
  const pm25 = clamp(12 + 30 * traffic * noise(), 1, 900);
  return {
    pm25: round(pm25, 1),
    pm10: round(pm25 * (1.55 + 0.1 * random()), 1),
    no2: round(clamp(15 + 45 * traffic * noise(), 1, 4000), 1),
    so2: round(clamp(8 + 6 * traffic * noise(), 0.5, 4000), 1),
    co: round(clamp(400 + 1100 * traffic * noise(), 50, 90000), 0),
    o3: round(clamp(20 + 70 * sun * noise() - 10 * traffic, 2, 1500), 1),
    hc: round(clamp(40 + 60 * traffic * noise(), 5, 9000), 1),
    temperature: round(24 + 8 * sun + 0.4 * gaussian(random), 1),
    humidity: round(clamp(0.92 - 0.3 * sun + 0.02 * gaussian(random), 0.3, 1), 2),
    pressure: round(1009 + 1.5 * Math.sin((hour / 12) * Math.PI) + 0.3 * gaussian(random), 1),
    wind_speed: round(clamp(1 + 2.5 * sun + 0.5 * gaussian(random), 0, 20), 1),
    wind_direction: round((200 + 40 * gaussian(random) + 360) % 360, 0),
  };
};
