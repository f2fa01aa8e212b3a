import type { KindSpec } from '../../spec.ts';

/** Payloads the decoder must accept, and ones it must refuse with the given reason (catalogue-examples.test.ts). */
export const airQualityExamples: KindSpec['examples'] = {
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
    // A particle mass cannot be negative: a sensor fault, not a clean-air reading.
    { title: 'negative PM2.5', payload: { ts: 1795834800000, values: { pm25: -4 } }, reason: 'out_of_range' },
    // The catalogue stores humidity as a 0-1 fraction; 78 is a percentage sent without its unit.
    {
      title: 'humidity as percent',
      payload: { ts: 1795834800000, values: { humidity: 78 } },
      reason: 'out_of_range',
    },
    // PM1 is not a field of this kind; storing it would create a column no rule or dashboard knows.
    { title: 'unknown field', payload: { ts: 1795834800000, values: { pm1: 3 } }, reason: 'unknown_field' },
    // Native values are JSON numbers; a string is refused rather than guessed at.
    {
      title: 'string value',
      payload: { ts: 1795834800000, values: { pm25: '38' } },
      reason: 'invalid_payload',
    },
    // A reading must carry at least one value.
    { title: 'no values', payload: { ts: 1795834800000, values: {} }, reason: 'invalid_payload' },
  ],
};
