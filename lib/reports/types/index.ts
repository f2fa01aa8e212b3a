import type { ReportType, ReportTypeSpec } from '../model.ts';
import { airMonthly } from './air-monthly.ts';
import { ispuDaily } from './ispu-daily.ts';
import { wastewaterMonthly } from './wastewater-monthly.ts';
import { waterMonthly } from './water-monthly.ts';

/** The report types of issue 16, one file each: a new type is a new file and a line here. */
export const reportTypes: readonly ReportTypeSpec[] = [
  ispuDaily,
  airMonthly,
  wastewaterMonthly,
  waterMonthly,
];

export function findReportType(type: string): ReportTypeSpec | undefined {
  return reportTypes.find((t) => t.type === (type as ReportType));
}
