/** Means and data capture from stored values (issue 15), pure: README.md beside this file. */
export { type CaptureOptions, type CaptureRow, capture } from './capture.ts';
export { MIN_COVERAGE, meetsCoverage } from './coverage.ts';
export { categoryOf, ISPU_CATEGORIES, type IspuCategory, roundIspu, stationIspu, subIndex } from './ispu.ts';
export { dailyMeans, hourlyMeans, type MeanOptions, means, monthlyMeans, type PeriodMean } from './means.ts';
export { nextPeriod, type Period, Periods, periodStart, periodsIn } from './periods.ts';
export { AggregateRangeError, type Point } from './points.ts';
export { addToBuckets, type MeanState, newMeanState, windowMean } from './rolling.ts';
export { COUNTED_CODES, isInvalid, VALID, validValues } from './validity.ts';
