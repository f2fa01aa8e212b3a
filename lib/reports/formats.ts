import type { FormatSpec, ReportFormat } from './model.ts';

/**
 * The formats this installation prints, `format -> FormatSpec` (issue 16). Registering one is a line
 * here; a format not listed is refused by the request check ("not available"), never half-printed.
 */
export const FORMATS: ReadonlyMap<ReportFormat, FormatSpec> = new Map<ReportFormat, FormatSpec>([]);

export const availableFormats = (
  formats: ReadonlyMap<ReportFormat, FormatSpec> = FORMATS,
): ReportFormat[] => [...formats.keys()];
