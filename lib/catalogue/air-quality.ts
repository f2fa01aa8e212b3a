import type { KindSpec } from './types.ts';

// Ranges cover what field instruments report (e.g. low-cost optical PM sensors saturate near 1,000 ug/m3);
// the ppb factors are the standards file's unit_conversions at 25 degC, 1 atm.
export const airQuality: KindSpec = {
  id: 'air_quality',
  title: 'Air quality station',
  description: 'Ambient air: particulates, gases (ISPU / PP 22/2021 parameters) and weather.',
  expectedIntervalS: 60,
  fields: {
    pm25: { unit: 'ug/m3', min: 0, max: 1000, description: 'PM2.5 mass concentration' },
    pm10: { unit: 'ug/m3', min: 0, max: 2000, description: 'PM10 mass concentration' },
    no2: { unit: 'ug/m3', min: 0, max: 5000, description: 'Nitrogen dioxide', ugM3PerPpb: 1.88 },
    so2: { unit: 'ug/m3', min: 0, max: 5000, description: 'Sulphur dioxide', ugM3PerPpb: 2.62 },
    co: { unit: 'ug/m3', min: 0, max: 100000, description: 'Carbon monoxide', ugM3PerPpb: 1.145 },
    o3: { unit: 'ug/m3', min: 0, max: 2000, description: 'Ozone', ugM3PerPpb: 1.96 },
    hc: { unit: 'ug/m3', min: 0, max: 10000, description: 'Non-methane hydrocarbons' },
    temperature: { unit: 'degC', min: -10, max: 60, description: 'Air temperature' },
    humidity: { unit: 'fraction', min: 0, max: 1, description: 'Relative humidity as a 0-1 fraction' },
    pressure: { unit: 'hPa', min: 800, max: 1100, description: 'Barometric pressure' },
    wind_speed: { unit: 'm/s', min: 0, max: 75, description: 'Wind speed' },
    wind_direction: { unit: 'deg', min: 0, max: 360, description: 'Wind direction, from north clockwise' },
    rainfall: { unit: 'mm/h', min: 0, max: 300, description: 'Rain intensity' },
  },
  examples: {
    valid: [
      {
        title: 'full station, epoch ms',
        payload: {
          ts: 1795834800000,
          seq: 4812,
          values: {
            pm25: 38.4,
            pm10: 61.2,
            no2: 41,
            so2: 12.3,
            co: 820,
            o3: 54.1,
            temperature: 29.8,
            humidity: 0.78,
          },
        },
      },
      { title: 'PM only, RFC 3339 time', payload: { ts: '2026-11-28T03:00:00Z', values: { pm25: 12.1 } } },
    ],
    invalid: [
      {
        title: 'negative PM2.5',
        payload: { ts: 1795834800000, values: { pm25: -4 } },
        reason: 'out_of_range',
      },
      {
        title: 'humidity as percent',
        payload: { ts: 1795834800000, values: { humidity: 78 } },
        reason: 'out_of_range',
      },
      { title: 'unknown field', payload: { ts: 1795834800000, values: { pm1: 3 } }, reason: 'unknown_field' },
      {
        title: 'string value',
        payload: { ts: 1795834800000, values: { pm25: '38' } },
        reason: 'invalid_payload',
      },
      { title: 'no values', payload: { ts: 1795834800000, values: {} }, reason: 'invalid_payload' },
    ],
  },
};
