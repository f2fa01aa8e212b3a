import { describe, expect, it } from 'vitest';
import { kinds } from '../../lib/catalogue/index.ts';
import { bucketSeconds, historyQuery, parseHistory, quoteString } from './history-query.ts';
import { KEY_FIELD_TABLE, keyFields } from './key-fields.ts';

describe('history query', () => {
  it('names only catalogue fields and the kind measurement', () => {
    const { q, fields } = historyQuery({ kind: 'wastewater', station: 'ww-1', hours: 24 });
    expect(fields).toEqual(Object.keys(kinds[1]?.fields ?? {}));
    expect(q).toContain('FROM "wastewater" WHERE "station" = \'ww-1\' AND time > now() - 24h');
    expect(q).toMatch(/GROUP BY time\(300s\) fill\(none\)$/);
    expect(bucketSeconds(24, 60)).toBe(300);
  });

  it('refuses ids that are not station ids and quotes literals anyway', () => {
    expect(() => historyQuery({ kind: 'air_quality', station: "x' OR 1=1 --", hours: 1 })).toThrow();
    expect(() => historyQuery({ kind: 'drop_measurement', station: 'x', hours: 1 })).toThrow();
    expect(quoteString("a'b\\")).toBe("'a\\'b\\\\'");
  });

  it('parses epoch-ms rows into one series per field with its unit', () => {
    const series = parseHistory('air_quality', {
      results: [
        {
          series: [
            {
              columns: ['time', 'pm25', 'pm10'],
              values: [
                [1000, 12.5, null],
                [2000, 13, 40],
              ],
            },
          ],
        },
      ],
    });
    expect(series).toEqual([
      {
        field: 'pm25',
        unit: 'ug/m3',
        description: 'PM2.5 mass concentration',
        points: [
          [1000, 12.5],
          [2000, 13],
        ],
      },
      { field: 'pm10', unit: 'ug/m3', description: 'PM10 mass concentration', points: [[2000, 40]] },
    ]);
    expect(parseHistory('air_quality', { results: [{}] })).toEqual([]);
    expect(() => parseHistory('air_quality', { results: [{ error: 'database not found' }] })).toThrow(
      /database/,
    );
  });

  it('key fields exist in the catalogue', () => {
    for (const [kind, fields] of Object.entries(KEY_FIELD_TABLE)) {
      expect(keyFields(kind).map((f) => f.field)).toEqual(fields);
    }
  });
});
