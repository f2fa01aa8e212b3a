import type { FormatSpec, ReportFormat } from './model.ts';
import { csvFormat } from './render/csv.ts';
import { pdfFormat } from './render/pdf.ts';
import { xlsxFormat } from './render/xlsx.ts';

/**
 * The formats this installation prints, `format -> FormatSpec` (issue 16). Registering one is a line
 * here; a format not listed is refused by the request check ("not available"), never half-printed.
 */
export const FORMATS: ReadonlyMap<ReportFormat, FormatSpec> = new Map<ReportFormat, FormatSpec>(
  [pdfFormat, csvFormat, xlsxFormat].map((spec) => [spec.format, spec]),
);

export const availableFormats = (
  formats: ReadonlyMap<ReportFormat, FormatSpec> = FORMATS,
): ReportFormat[] => [...formats.keys()];
