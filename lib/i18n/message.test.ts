import { describe, expect, it } from 'vitest';
import { negotiateLanguage, translator } from './index.ts';
import { createTranslator, parse, placeholders } from './message.js';

const id = translator('id');
const en = translator('en');

describe('times in WIB', () => {
  it('writes Depok time in Indonesian and in English, whatever the zone of the machine', () => {
    // 07:05:09 UTC is 14:05:09 WIB (UTC+7, no daylight saving).
    const at = Date.UTC(2026, 11, 1, 7, 5, 9);
    expect(id.dateTime(at)).toBe('1 Des 2026 14.05 WIB');
    expect(en.dateTime(at)).toBe('1 Dec 2026 14:05 WIB');
    expect(id.dateTime(at, { seconds: true })).toBe('1 Des 2026 14.05.09 WIB');
    expect(en.dateTime(new Date(at).toISOString(), { seconds: true })).toBe('1 Dec 2026 14:05:09 WIB');
  });

  it('moves to the next day in WIB before UTC does, and to a new year', () => {
    expect(id.dateTime(Date.UTC(2026, 11, 31, 17, 0))).toBe('1 Jan 2027 00.00 WIB');
    expect(id.dateTime(Date.UTC(2026, 7, 16, 23, 59))).toBe('17 Agu 2026 06.59 WIB');
    expect(id.dateTime('2027-05-05T16:59:00Z')).toBe('5 Mei 2027 23.59 WIB');
  });

  it('shows no time as a dash', () => {
    expect(id.dateTime(undefined)).toBe('-');
    expect(id.dateTime('not a time')).toBe('-');
    expect(id.dateTime(Number.NaN)).toBe('-');
  });
});

describe('numbers', () => {
  it('uses the decimal comma and the thousands point in Indonesian', () => {
    expect(id.measure(55.4)).toBe('55,4');
    expect(id.measure(6113.25)).toBe('6.113');
    expect(id.measure(10_000)).toBe('10.000');
    expect(id.number(1008.5, { minimumFractionDigits: 1, maximumFractionDigits: 1 })).toBe('1.008,5');
    expect(en.measure(55.4)).toBe('55.4');
    expect(en.measure(6113.25)).toBe('6,113');
  });

  it('keeps four significant digits for measured values, without trailing zeros', () => {
    expect(id.measure(0.000123456)).toBe('0,0001235');
    expect(id.measure(81.2)).toBe('81,2');
    expect(id.measure(55)).toBe('55');
    expect(id.measure(-3.14567)).toBe('-3,146');
  });

  it('says durations as people do, in each language', () => {
    const cases: [number, string, string][] = [
      [0, '0 dtk', '0 s'],
      [3.5, '3,5 dtk', '3.5 s'],
      [59, '59 dtk', '59 s'],
      [60, '1 mnt', '1 min'],
      [185.4, '3 mnt 5 dtk', '3 min 5 s'],
      [3599.6, '1 jam', '1 h'],
      [7800, '2 jam 10 mnt', '2 h 10 min'],
      [86_400, '1 hari', '1 d'],
      [97_200, '1 hari 3 jam', '1 d 3 h'],
      [-90, '-1 mnt 30 dtk', '-1 min 30 s'],
    ];
    for (const [seconds, indonesian, english] of cases) {
      expect(id.duration(seconds), String(seconds)).toBe(indonesian);
      expect(en.duration(seconds), String(seconds)).toBe(english);
    }
    expect(id.amount(185, 's')).toBe('3 mnt 5 dtk');
    expect(id.amount(185.25, 'ug/m3')).toBe('185,3 µg/m³');
  });

  it('words averaging periods as the standards write them', () => {
    expect(id.averaging('24h')).toBe('24 jam');
    expect(en.averaging('24h')).toBe('24 h');
    expect(id.averaging('10min')).toBe('10 mnt');
    expect(id.averaging('1y')).toBe('1 tahun');
    expect(id.averaging('grab')).toBe('sampel sesaat');
    expect(id.averaging('weekly')).toBe('weekly');
  });
});

describe('messages', () => {
  const tr = createTranslator('en', {
    'meta.locale': 'en-GB',
    hello: 'Hello {name}, {n, plural, =0 {no alerts} one {# alert} other {# alerts}}',
    state: '{s, select, cleared {cleared} other {still {s}}}',
    measured: '{v, measure} {u}',
  });

  it('fills parameters, plurals (with exact cases) and selects', () => {
    expect(tr.t('hello', { name: 'Siti', n: 0 })).toBe('Hello Siti, no alerts');
    expect(tr.t('hello', { name: 'Siti', n: 1 })).toBe('Hello Siti, 1 alert');
    expect(tr.t('hello', { name: 'Siti', n: 1200 })).toBe('Hello Siti, 1,200 alerts');
    expect(tr.t('state', { s: 'cleared' })).toBe('cleared');
    expect(tr.t('state', { s: 'raised' })).toBe('still raised');
    expect(tr.t('measured', { v: 12.3456, u: 'mg/L' })).toBe('12.35 mg/L');
  });

  it('shows a missing key or parameter as itself, never as nothing', () => {
    expect(tr.t('nope')).toBe('nope');
    expect(tr.t('hello', { n: 2 })).toBe('Hello {name}, 2 alerts');
  });

  it('refuses broken messages with the reason', () => {
    expect(() => parse('open {brace')).toThrow(/unclosed/);
    expect(() => parse('close } brace')).toThrow(/unbalanced/);
    expect(() => parse('{n, plural, one {x}}')).toThrow(/needs an "other"/);
    expect(() => parse('{n, numbr}')).toThrow(/unknown type "numbr"/);
    expect(() => parse('{bad name}')).toThrow(/bad argument name/);
  });

  it('lists the arguments a message takes, with their formats', () => {
    expect(placeholders('{a} {b, measure} {n, plural, one {{c}} other {#}}')).toEqual([
      'a',
      'b:measure',
      'c',
      'n:plural',
    ]);
  });
});

describe('Accept-Language', () => {
  it.each([
    [undefined, 'id'],
    ['', 'id'],
    ['en', 'en'],
    ['en-US,en;q=0.9', 'en'],
    ['id-ID,id;q=0.9,en-US;q=0.8,en;q=0.7', 'id'],
    ['fr-FR, en;q=0.5, id;q=0.8', 'id'],
    ['de-DE,de;q=0.9', 'id'],
    ['en;q=0, id;q=0.1', 'id'],
    ['*', 'id'],
    ['EN-gb', 'en'],
  ])('%s -> %s', (header, lang) => {
    expect(negotiateLanguage(header)).toBe(lang);
  });
});
