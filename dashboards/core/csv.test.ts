import { describe, expect, it } from 'vitest';
import { csvCell, csvRow } from './csv.ts';

describe('csv', () => {
  it('quotes what needs quoting and doubles quotes', () => {
    expect(csvRow(['plain', 'a,b', 'say "hi"', 'two\nlines', 'cr\rhere', 7, null, undefined])).toBe(
      'plain,"a,b","say ""hi""","two\nlines","cr\rhere",7,,\r\n',
    );
  });

  it('neutralises cells a spreadsheet would run as a formula', () => {
    expect(csvCell('=HYPERLINK("http://evil","x")')).toBe('"\'=HYPERLINK(""http://evil"",""x"")"');
    expect(csvCell('+1+1')).toBe("'+1+1");
    expect(csvCell('-2+3')).toBe("'-2+3");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('\t=1')).toBe("'\t=1");
    expect(csvCell('\r=1')).toBe('"\'\r=1"');
    expect(csvCell('Sangat Tidak Sehat = 201+')).toBe('Sangat Tidak Sehat = 201+');
    expect(csvCell(-5)).toBe('-5');
  });

  it('writes objects as JSON text and keeps UTF-8 as it is', () => {
    expect(csvCell({ roles: ['viewer'] })).toBe('"{""roles"":[""viewer""]}"');
    expect(csvCell('Pengolahan Air Limbah – Cimanggis')).toBe('Pengolahan Air Limbah – Cimanggis');
  });
});
