import { MIN_COVERAGE, meetsCoverage } from './coverage.ts';
import { HOUR_MS, type Period, partOf, periodsIn } from './periods.ts';
import { checkRange, firstAtOrAfter, type Point, type Sample, samples } from './points.ts';

export type MeanOptions = {
  /** The kind's expected reporting interval (catalogue `expectedIntervalS`, or the station's override). */
  intervalS: number;
  from: number;
  to: number;
  /** Default the 75 % rule (coverage.ts); a report may ask for a stricter share, never silently a looser one. */
  minCoverage?: number | undefined;
};

export type PeriodMean = {
  start: number;
  end: number;
  /** null when the period falls short of the coverage rule. */
  mean: number | null;
  /** What the mean is made of: valid readings (hour), hours with a mean (day), days with a mean (month). */
  count: number;
  /** How many of those the period should have: readings from the interval, or its hours, or its days. */
  expected: number;
  /** count / expected, 0..1 (above 1 when a sensor reports faster than its interval). */
  coverage: number;
};

const DAY_MS = 24 * HOUR_MS;

/**
 * Means per period over `[from, to)`, from the values not flagged invalid. An hourly mean is the mean of
 * the hour's valid readings and needs `minCoverage` of the readings the interval promises (45 of 60 at
 * 60 s); a daily mean is the mean of its hourly means and needs that share of its hours (18 of 24); a
 * monthly mean is the mean of its daily means and needs that share of its days (EU and US practice,
 * coverage.ts). Hours are UTC hours (WIB hours too: the offset is whole), days and months WIB.
 */
export function means(points: Iterable<Point>, period: Period, options: MeanOptions): PeriodMean[] {
  checkRange(options.from, options.to, options.intervalS);
  const valid = samples(points).filter((s) => s.valid);
  return meansOf(valid, period, { ...options, minCoverage: options.minCoverage ?? MIN_COVERAGE });
}

export const hourlyMeans = (points: Iterable<Point>, o: MeanOptions) => means(points, 'hour', o);
export const dailyMeans = (points: Iterable<Point>, o: MeanOptions) => means(points, 'day', o);
export const monthlyMeans = (points: Iterable<Point>, o: MeanOptions) => means(points, 'month', o);

function meansOf(valid: Sample[], period: Period, o: Required<MeanOptions>): PeriodMean[] {
  if (period === 'hour') {
    const intervalMs = o.intervalS * 1000;
    return periodsIn('hour', o.from, o.to).map(({ start, end }) => {
      let sum = 0;
      let count = 0;
      for (let i = firstAtOrAfter(valid, start); i < valid.length; i++) {
        const s = valid[i] as Sample;
        if (s.ts >= end) break;
        sum += s.value;
        count++;
      }
      return row(start, end, sum, count, (end - start) / intervalMs, o.minCoverage);
    });
  }
  const parts = meansOf(valid, partOf[period], o);
  const partMs = period === 'day' ? HOUR_MS : DAY_MS;
  let next = 0;
  return periodsIn(period, o.from, o.to).map(({ start, end }) => {
    let sum = 0;
    let count = 0;
    for (; next < parts.length && (parts[next] as PeriodMean).start < end; next++) {
      const part = parts[next] as PeriodMean;
      if (part.mean === null) continue;
      sum += part.mean;
      count++;
    }
    return row(start, end, sum, count, (end - start) / partMs, o.minCoverage);
  });
}

function row(start: number, end: number, sum: number, count: number, expected: number, min: number) {
  const mean = count > 0 && meetsCoverage(count, expected, min) ? sum / count : null;
  return { start, end, mean, count, expected, coverage: expected > 0 ? count / expected : 0 };
}
