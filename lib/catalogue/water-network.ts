import type { KindSpec } from './types.ts';

// A drinking-water network node (PDAM): pipe pressure and flow, quality at the node, reservoir level.
// Flow may be negative: bidirectional meters report reverse flow.
export const waterNetwork: KindSpec = {
  id: 'water_network',
  title: 'Water network node',
  description: 'Pressure, flow and quality in the drinking-water distribution network.',
  expectedIntervalS: 60,
  fields: {
    pressure: { unit: 'bar', min: 0, max: 25, description: 'Gauge pressure' },
    flow: { unit: 'L/s', min: -5000, max: 5000, description: 'Pipe flow (negative = reverse)' },
    free_chlorine: { unit: 'mg/L', min: 0, max: 10, description: 'Free residual chlorine' },
    turbidity: { unit: 'NTU', min: 0, max: 4000, description: 'Turbidity' },
    ph: { unit: 'pH', min: 0, max: 14, description: 'pH' },
    tank_level: { unit: 'm', min: 0, max: 50, description: 'Reservoir water level' },
    temperature: { unit: 'degC', min: 0, max: 60, description: 'Water temperature' },
  },
  examples: {
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
      {
        title: 'pressure in Pa sent as bar',
        payload: { ts: 1795834800000, values: { pressure: 235000 } },
        reason: 'out_of_range',
      },
      {
        title: 'Infinity-like huge value',
        payload: '{"ts": 1795834800000, "values": {"turbidity": 1e309}}',
        reason: 'invalid_payload',
      },
      {
        title: 'epoch seconds far in the past',
        payload: { ts: 17642988, values: { ph: 7 } },
        reason: 'timestamp_out_of_bounds',
      },
    ],
  },
};
