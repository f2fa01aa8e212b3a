import { describe, expect, it } from 'vitest';
import { parseCsv, toCsv } from './csv.ts';

describe('CSV', () => {
  it('round-trips quotes, commas, newlines and nulls, nested objects as dotted columns', () => {
    const rows = [
      {
        id: 'a',
        name: 'IPAL "Baru", Beji\nblok 2',
        value: null,
        label: { id: 'pH', en: 'pH' },
        list: [1, 2],
      },
      { id: 'b', name: '-3', value: -1.5, label: { id: 'x', en: 'y' }, list: [] },
    ];
    const text = toCsv(rows);
    expect(text.split('\r\n')[0]).toBe('id,name,value,label.id,label.en,list');
    expect(parseCsv(text)).toEqual([
      {
        id: 'a',
        name: 'IPAL "Baru", Beji\nblok 2',
        value: '',
        'label.id': 'pH',
        'label.en': 'pH',
        list: '[1,2]',
      },
      { id: 'b', name: '-3', value: '-1.5', 'label.id': 'x', 'label.en': 'y', list: '[]' },
    ]);
  });

  it('writes a header only for no rows', () => expect(toCsv([], ['a', 'b'])).toBe('a,b\r\n'));
});
