/**
 * The 75 % rule, one setting for every aggregate the project computes: the mean rules and the station
 * ISPU of the alert flows (flows/core/rules/mean.ts, ispu.ts: the default of their `minCoverage`; their window is rolling.ts), the
 * hourly, daily and monthly means of this module, and the flag capture reports put on a period.
 *
 * EU practice (Directive 2008/50/EC, Annex VII) and US practice (40 CFR Part 50, Appendix N): an hourly
 * value needs 75 % of the hour (45 min of the expected readings), a daily mean 75 % of the hours (18 of
 * 24), and by the same rule a monthly mean 75 % of the days. The share is of the whole period: time in a
 * maintenance or calibration window does not lower the bar for a mean; it leaves only the capture
 * denominator (capture.ts), as the Directive's data-capture rule says.
 */
export const MIN_COVERAGE = 0.75;

// 45 of 60 expected readings is exactly 0.75 but 0.75 * 514.2857 is not exactly representable: a
// share a hair below from float error still counts.
const EPSILON = 1e-9;

/** Whether `count` of `expected` is at least `min` (default the 75 % rule). */
export function meetsCoverage(count: number, expected: number, min = MIN_COVERAGE): boolean {
  return expected > 0 && count >= min * expected - EPSILON;
}
