import type { ReportTypeSpec } from './model.ts';

/**
 * The report types this installation has (lib/reports/types/index.ts once they land): a type missing
 * here is refused by the request check as "not available yet".
 */
export const REPORT_SPECS: readonly ReportTypeSpec[] = [];
