import { MIN_COVERAGE, meetsCoverage } from './coverage.ts';
import { HOUR_MS, type Period, partOf, periodsIn } from './periods.ts';
import { checkRange, firstAtOrAfter, type Point, type Sample, samples } from './points.ts';
import { addToBuckets, newMeanState, windowMean } from './rolling.ts';

export type MeanOptions = {
  /** The kind's expected reporting interval (catalogue `expectedIntervalS`, or the station's override). */
  intervalS: number;
  from: number;
  to: number;
  /** Default the 75 % rule (coverage.ts); a report may ask for a stricter share, never silently a looser one. */
  minCoverage?: number | undefined;
  /**
   * Share of an hour's promised readings that hour needs to count in a daily mean; default `minCoverage`
   * (45 of 60). 0: any valid reading makes the hour, as the alert flows' mean and ISPU rules count it
   * (their 24 h window is the same code, rolling.ts; a report reproducing a published ISPU asks for 0).
   */
  minHourCoverage?: number | undefined;
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
 * coverage.ts). Hours are UTC hours (WIB hours too: the offset is whole), days and months WIB. A daily
 * mean is the alert rules' rolling 24 h window (rolling.ts) closed at the day's end, so a report's 24 h
 * mean and the rule's are one computation.
 */
export function means(points: Iterable<Point>, period: Period, options: MeanOptions): PeriodMean[] {
  checkRange(options.from, options.to, options.intervalS);
  const valid = samples(points).filter((s) => s.valid);
  const minCoverage = options.minCoverage ?? MIN_COVERAGE;
  return meansOf(valid, period, {
    ...options,
    minCoverage,
    minHourCoverage: options.minHourCoverage ?? minCoverage,
  });
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
      return row(
        start,
        end,
        count > 0 ? sum / count : null,
        count,
        (end - start) / intervalMs,
        o.minCoverage,
      );
    });
  }
  if (period === 'day') return dayMeans(valid, o);
  const parts = meansOf(valid, partOf[period], o);
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
    return row(start, end, count > 0 ? sum / count : null, count, (end - start) / DAY_MS, o.minCoverage);
  });
}

/**
 * Each WIB day's valid readings through the rules' 24 h window (hourly sub-periods: WIB hours, the
 * offset being whole), read at the day's last instant: the mean of its hourly means. An hour counts
 * with `minHourCoverage` of the readings the interval promises.
 */
function dayMeans(valid: Sample[], o: Required<MeanOptions>): PeriodMean[] {
  const promised = HOUR_MS / (o.intervalS * 1000);
  const hourCounts = (readings: number) => meetsCoverage(readings, promised, o.minHourCoverage);
  return periodsIn('day', o.from, o.to).map(({ start, end }) => {
    const state = newMeanState();
    for (let i = firstAtOrAfter(valid, start); i < valid.length; i++) {
      const s = valid[i] as Sample;
      if (s.ts >= end) break;
      addToBuckets(state, DAY_MS, s.ts, s.value);
    }
    const w = windowMean(state, DAY_MS, end - 1, hourCounts);
    return row(start, end, w?.mean ?? null, w?.parts ?? 0, (end - start) / HOUR_MS, o.minCoverage);
  });
}

function row(start: number, end: number, mean: number | null, count: number, expected: number, min: number) {
  const counted = mean !== null && meetsCoverage(count, expected, min) ? mean : null;
  return { start, end, mean: counted, count, expected, coverage: expected > 0 ? count / expected : 0 };
}
