// A station's map state (the API's `status`) as a colour and words. Air: the ISPU category, in the
// colours of Permen LHK P.14/MENLHK/SETJEN/KUM.1/7/2020 (Baik green, Sedang blue, Tidak Sehat yellow,
// Sangat Tidak Sehat red, Berbahaya black). Wastewater: within or above its standard. Water network:
// the pressure against its normal band. Anything else (no reading yet, a status this page does not
// know) is grey: the page never guesses a state.

// Keys are written out, never assembled (lib/i18n/catalogue.test.ts finds every key by its literal).
export const STATUSES = {
  baik: { colour: '#1a9641', text: '#ffffff', key: 'ispu.baik', advice: 'public.ispu.advice.baik' },
  sedang: { colour: '#2166ac', text: '#ffffff', key: 'ispu.sedang', advice: 'public.ispu.advice.sedang' },
  tidak_sehat: {
    colour: '#f2c500',
    text: '#1b1b1b',
    key: 'ispu.tidak_sehat',
    advice: 'public.ispu.advice.tidak_sehat',
  },
  sangat_tidak_sehat: {
    colour: '#d7191c',
    text: '#ffffff',
    key: 'ispu.sangat_tidak_sehat',
    advice: 'public.ispu.advice.sangat_tidak_sehat',
  },
  berbahaya: {
    colour: '#111111',
    text: '#ffffff',
    key: 'ispu.berbahaya',
    advice: 'public.ispu.advice.berbahaya',
  },
  compliant: { colour: '#1a9641', text: '#ffffff', key: 'public.status.compliant' },
  non_compliant: { colour: '#7b3294', text: '#ffffff', key: 'public.status.non_compliant' },
  pressure_normal: { colour: '#2166ac', text: '#ffffff', key: 'public.status.normal' },
  pressure_low: { colour: '#e66101', text: '#ffffff', key: 'public.status.low' },
  pressure_high: { colour: '#7b3294', text: '#ffffff', key: 'public.status.high' },
  unknown: { colour: '#8c8c8c', text: '#ffffff', key: 'public.status.unknown' },
};

/** What the legend shows, per kind, in order. */
export const LEGEND = [
  {
    key: 'public.legend_air',
    shape: 'circle',
    statuses: ['baik', 'sedang', 'tidak_sehat', 'sangat_tidak_sehat', 'berbahaya'],
  },
  { key: 'public.legend_wastewater', shape: 'square', statuses: ['compliant', 'non_compliant'] },
  {
    key: 'public.legend_water',
    shape: 'diamond',
    statuses: ['pressure_normal', 'pressure_low', 'pressure_high'],
  },
  { key: 'public.status.unknown', shape: 'circle', statuses: ['unknown'] },
];

export const SHAPES = { air_quality: 'circle', wastewater: 'square', water_network: 'diamond' };

/** `Tidak Sehat`, `tidak_sehat`, `TIDAK SEHAT` -> `tidak_sehat`; unknown words -> `unknown`. */
export function statusId(value) {
  if (typeof value !== 'string') return 'unknown';
  const id = value
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');
  return Object.hasOwn(STATUSES, id) ? id : 'unknown';
}

export const statusOf = (value) => STATUSES[statusId(value)];
