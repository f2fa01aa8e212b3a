import { describe, expect, it } from 'vitest';
import { kinds } from '../catalogue/index.ts';
import { detailText } from '../i18n/alert-text.js';
import { Languages, translator } from '../i18n/index.ts';
import { loadStandards } from '../standards/index.ts';
import { displayUnit, UNIT_DISPLAY } from './display.js';

/** Every unit code the catalogue's fields and the standards store. */
const storedCodes = (): string[] => {
  const codes = new Set<string>();
  for (const kind of kinds) for (const field of Object.values(kind.fields)) codes.add(field.unit);
  for (const standard of loadStandards().standards)
    for (const pollutant of standard.pollutants) codes.add(pollutant.unit);
  return [...codes].sort();
};

// How ASCII codes give themselves away: "m3", "ug/", "degC", a unit glued to its quantity ("100mL"),
// a chemical formula with plain digits ("O2", "NO3-").
const ASCII_ISMS = /m3\b|\bug\/|\bdeg|\d(?:mL|L)\b|[A-Z]\d|\d-$/;

describe('displayUnit', () => {
  it('writes the codes people read differently as they write them', () => {
    expect(displayUnit('ug/m3')).toBe('µg/m³');
    expect(displayUnit('mg/m3')).toBe('mg/m³');
    expect(displayUnit('degC')).toBe('°C');
    expect(displayUnit('mg/L O2')).toBe('mg/L O₂');
    expect(displayUnit('count/100mL', 'id')).toBe('jumlah/100 mL');
    expect(displayUnit('count/100mL', 'en')).toBe('count/100 mL');
    expect(displayUnit('mg/L as NO3-', 'en')).toBe('mg/L as NO₃⁻');
    expect(displayUnit('fraction', 'id')).toBe('pecahan');
    expect(displayUnit('fraction', 'en')).toBe('fraction');
  });

  it('uses U+00B5 MICRO SIGN and U+00B3, both in Windows-1252', () => {
    expect([...displayUnit('ug/m3')].map((c) => c.codePointAt(0))).toEqual([0xb5, 0x67, 0x2f, 0x6d, 0xb3]);
  });

  it('shows unknown codes, already-human codes and a display form as they are', () => {
    for (const code of ['NTU', 'bar', 'ppm', 'mg/L', 'pH', 'furlong/fortnight', 'µg/m³'])
      expect(displayUnit(code)).toBe(code);
    expect(displayUnit(undefined)).toBe('');
    expect(displayUnit('toString')).toBe('toString'); // no prototype key is an entry
  });

  it('leaves no stored code of the catalogue or the standards looking like ASCII', () => {
    const codes = storedCodes();
    expect(codes).toEqual(expect.arrayContaining(['ug/m3', 'degC', 'count/100mL', 'mg/L']));
    for (const lang of Languages)
      for (const code of codes)
        expect([code, lang, displayUnit(code, lang)]).not.toEqual([
          code,
          lang,
          expect.stringMatching(ASCII_ISMS),
        ]);
  });

  it('words every per-language entry in every language', () => {
    for (const entry of Object.values(UNIT_DISPLAY))
      if (typeof entry !== 'string') expect(Object.keys(entry).sort()).toEqual([...Languages].sort());
  });

  it('is what the translators print: amounts, units and alert details', () => {
    const id = translator('id');
    const en = translator('en');
    expect(id.amount(55.4, 'ug/m3')).toBe('55,4 µg/m³');
    expect(en.amount(28.25, 'degC')).toBe('28.25 °C');
    expect(en.amount(185, 's')).not.toContain('s '); // seconds stay a duration
    expect(id.unit('count/100mL')).toBe('jumlah/100 mL');
    const text = {
      key: 'alert.detail.above',
      params: { value: 80.2, limit: 55, unit: 'ug/m3' },
      source: 'standard' as const,
    };
    expect(detailText(id, text)).toBe('80,2 µg/m³, di atas 55 µg/m³');
    expect(text.params.unit).toBe('ug/m3'); // the alert keeps its code
  });
});
