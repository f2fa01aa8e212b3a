import { bod, cod, flow, nh3n, oilGrease, ph, temperature, totalColiform, tss } from '../../fields.ts';
import type { KindSpec } from '../../spec.ts';
import { wastewaterExamples } from './examples.ts';

// Effluent parameters of Permen LHK P.68/2016 plus flow and temperature. Upper ranges are the
// instruments' (raw industrial influent can reach tens of thousands of mg/L COD), not the limits.
// Plausibility ceilings (validity code 12) are 100 x the domestic limits of P.68/2016: ten times raw
// domestic sewage, and above the strong food-industry effluents (tofu, tempeh) of Depok. Effluent at or
// below 0 degC cannot occur in the tropics: a probe reading that is open or unplugged (code 11).
const ceiling100 = {
  validity: {
    plausibleMaxFactorOfLimit: { standard: 'id-ID-permenlhk-p68-2016-domestic-wastewater', factor: 100 },
  },
};

export const wastewater: KindSpec = {
  id: 'wastewater',
  title: 'Wastewater outfall',
  description: 'Effluent of a domestic treatment plant (IPAL) or an industry.',
  expectedIntervalS: 300,
  fields: {
    ph: ph(),
    bod: bod(ceiling100),
    cod: cod(ceiling100),
    tss: tss(ceiling100),
    nh3n: nh3n(ceiling100),
    oil_grease: oilGrease(ceiling100),
    total_coliform: totalColiform(),
    flow: flow({ description: 'Discharge flow' }),
    temperature: temperature({
      min: 0,
      max: 80,
      description: 'Effluent temperature',
      validity: { impossibleAtOrBelow: 0 },
    }),
  },
  examples: wastewaterExamples,
};
