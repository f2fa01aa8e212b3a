import { flow, freeChlorine, gaugePressure, ph, tankLevel, temperature, turbidity } from '../../fields.ts';
import type { KindSpec } from '../../spec.ts';
import { waterNetworkExamples } from './examples.ts';

// A drinking-water network node (PDAM): pipe pressure and flow, quality at the node, reservoir level.
// Flow may be negative: bidirectional meters report reverse flow. Water in a main is never at or below
// 0 degC in Depok: a probe reading that is open or unplugged (validity code 11).
export const waterNetwork: KindSpec = {
  id: 'water_network',
  title: 'Water network node',
  description: 'Pressure, flow and quality in the drinking-water distribution network.',
  expectedIntervalS: 60,
  fields: {
    pressure: gaugePressure(),
    flow: flow({ min: -5000, max: 5000, description: 'Pipe flow (negative = reverse)' }),
    free_chlorine: freeChlorine(),
    turbidity: turbidity(),
    ph: ph(),
    tank_level: tankLevel(),
    temperature: temperature({
      min: 0,
      description: 'Water temperature',
      validity: { impossibleAtOrBelow: 0 },
    }),
  },
  examples: waterNetworkExamples,
};
