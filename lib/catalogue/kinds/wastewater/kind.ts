import { bod, cod, flow, nh3n, oilGrease, ph, temperature, totalColiform, tss } from '../../fields.ts';
import type { KindSpec } from '../../spec.ts';
import { wastewaterExamples } from './examples.ts';

// Effluent parameters of Permen LHK P.68/2016 plus flow and temperature. Upper ranges are the
// instruments' (raw industrial influent can reach tens of thousands of mg/L COD), not the limits.
export const wastewater: KindSpec = {
  id: 'wastewater',
  title: 'Wastewater outfall',
  description: 'Effluent of a domestic treatment plant (IPAL) or an industry.',
  expectedIntervalS: 300,
  fields: {
    ph: ph(),
    bod: bod(),
    cod: cod(),
    tss: tss(),
    nh3n: nh3n(),
    oil_grease: oilGrease(),
    total_coliform: totalColiform(),
    flow: flow({ description: 'Discharge flow' }),
    temperature: temperature({ min: 0, max: 80, description: 'Effluent temperature' }),
  },
  examples: wastewaterExamples,
};
