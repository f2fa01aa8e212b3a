import {
  airTemperature,
  barometricPressure,
  co,
  hc,
  humidity,
  no2,
  o3,
  pm10,
  pm25,
  rainfall,
  so2,
  windDirection,
  windSpeed,
} from '../../fields.ts';
import type { KindSpec } from '../../spec.ts';
import { airQualityExamples } from './examples.ts';

export const airQuality: KindSpec = {
  id: 'air_quality',
  title: 'Air quality station',
  description: 'Ambient air: particulates, gases (ISPU / PP 22/2021 parameters) and weather.',
  expectedIntervalS: 60,
  fields: {
    pm25: pm25(),
    pm10: pm10(),
    no2: no2(),
    so2: so2(),
    co: co(),
    o3: o3(),
    hc: hc(),
    temperature: airTemperature(),
    humidity: humidity(),
    pressure: barometricPressure(),
    wind_speed: windSpeed(),
    wind_direction: windDirection(),
    rainfall: rainfall(),
  },
  examples: airQualityExamples,
};
