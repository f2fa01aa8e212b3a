import type { KindSpec } from '../../spec.ts';

/** Payloads the decoder must accept, and ones it must refuse with the given reason (catalogue-examples.test.ts). */
export const waterNetworkExamples: KindSpec['examples'] = {
  valid: [
    {
      title: 'network node',
      payload: {
        ts: 1795834800000,
        values: { pressure: 2.35, flow: 41.8, free_chlorine: 0.31, turbidity: 0.8, ph: 7.4 },
      },
    },
    { title: 'reverse flow', payload: { ts: 1795834800000, values: { flow: -3.2 } } },
  ],
  invalid: [
    // 2.35 bar sent in Pa: far above any distribution main's rating, so a unit mistake, not a reading.
    {
      title: 'pressure in Pa sent as bar',
      payload: { ts: 1795834800000, values: { pressure: 235000 } },
      reason: 'out_of_range',
    },
    // 1e309 overflows a double: JSON.parse gives Infinity, which is no measurement.
    {
      title: 'Infinity-like huge value',
      payload: '{"ts": 1795834800000, "values": {"turbidity": 1e309}}',
      reason: 'invalid_payload',
    },
    // Epoch seconds where milliseconds are expected put the reading in 1970, outside the time window.
    {
      title: 'epoch seconds far in the past',
      payload: { ts: 17642988, values: { ph: 7 } },
      reason: 'timestamp_out_of_bounds',
    },
  ],
};
