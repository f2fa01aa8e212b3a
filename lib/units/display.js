// Units as people write them. The catalogue, the stored readings and the APIs keep ASCII unit codes
// ("ug/m3", "degC"): easy to type, compare and parse. What a person reads (a console page, the citizen
// page, a printed report, an alert) shows the display form instead ("µg/m³", "°C"). Plain JavaScript
// with no imports, shared with the browser like lib/i18n/message.js (which imports it by this relative
// path; both services serve it at /lib/units/display.js); types in display.d.ts.
//
// Characters: µ is U+00B5 MICRO SIGN and ³ U+00B3, both in Latin-1 / Windows-1252, so a spreadsheet
// that guesses a legacy code page still shows them; subscripts (₂, U+2082) and ⁻ (U+207B) only where
// the chemistry needs them.

/**
 * Code -> display form: a string for every language, or `{ id, en }` where the words differ. A code not
 * listed here (NTU, bar, ppm, mg/L...) is already written the way people write it and is shown as it is.
 */
export const UNIT_DISPLAY = {
  'ug/m3': 'µg/m³',
  'mg/m3': 'mg/m³',
  degC: '°C',
  deg: '°',
  'mg/L O2': 'mg/L O₂',
  'mg/L as NO2-': { id: 'mg/L sebagai NO₂⁻', en: 'mg/L as NO₂⁻' },
  'mg/L as NO3-': { id: 'mg/L sebagai NO₃⁻', en: 'mg/L as NO₃⁻' },
  'count/100mL': { id: 'jumlah/100 mL', en: 'count/100 mL' },
  'CFU/100mL': 'CFU/100 mL',
  'L/person/day': { id: 'L/orang/hari', en: 'L/person/day' },
  fraction: { id: 'pecahan', en: 'fraction' },
};

/** The display form of a unit code in a language (Indonesian by default); unknown codes as they are. */
export function displayUnit(code, lang = 'id') {
  if (typeof code !== 'string') return '';
  const entry = Object.hasOwn(UNIT_DISPLAY, code) ? UNIT_DISPLAY[code] : undefined;
  if (entry === undefined) return code;
  if (typeof entry === 'string') return entry;
  return entry[lang] ?? entry.id;
}
