import { describe, expect, it } from 'vitest';
import { pointStatement } from './influx-points.ts';

describe('InfluxQL of the QA views', () => {
  it('counts and reads the named catalogue fields of one station in a half-open range', () => {
    expect(pointStatement('count', 'air_quality', 'aq-beji-01', ['pm25', 'pm10'], 1000, 2000)).toBe(
      `SELECT COUNT("pm25") AS "pm25", COUNT("pm10") AS "pm10" FROM "air_quality" WHERE "station" = 'aq-beji-01' AND time >= 1000ms AND time < 2000ms`,
    );
    expect(pointStatement('read', 'wastewater', 'ww-tapos-01', ['ph'], 0, 5, 100)).toBe(
      `SELECT "ph" FROM "wastewater" WHERE "station" = 'ww-tapos-01' AND time >= 0ms AND time < 5ms ORDER BY time ASC LIMIT 100`,
    );
  });

  it('reads values with their validity codes for data capture', () => {
    expect(pointStatement('codes', 'wastewater', 'ww-tapos-01', ['ph', 'bod'], 0, 5, 10)).toBe(
      `SELECT "ph", "bod", "validity", "ph_validity", "bod_validity" FROM "wastewater" WHERE "station" = 'ww-tapos-01' AND time >= 0ms AND time < 5ms ORDER BY time ASC LIMIT 10`,
    );
  });

  it('refuses anything that could change the statement: kinds, fields, ids and times not of the catalogue', () => {
    expect(() => pointStatement('count', 'air_quality; DROP', 'aq-beji-01', ['pm25'], 0, 1)).toThrow(
      /unknown kind/,
    );
    expect(() => pointStatement('count', 'air_quality', "x' OR 1=1", ['pm25'], 0, 1)).toThrow(/station id/);
    expect(() => pointStatement('count', 'air_quality', 'aq-beji-01', ['pm25"'], 0, 1)).toThrow(
      /unknown field/,
    );
    expect(() => pointStatement('count', 'air_quality', 'aq-beji-01', ['__proto__'], 0, 1)).toThrow(
      /unknown field/,
    );
    expect(() => pointStatement('count', 'air_quality', 'aq-beji-01', [], 0, 1)).toThrow(/unknown field/);
    expect(() => pointStatement('count', 'air_quality', 'aq-beji-01', ['pm25'], 0.5, 1)).toThrow(
      /time range/,
    );
  });
});
