import type { Point } from '../aggregate/points.ts';
import type { Decision } from '../qa/states.ts';
import type { MaintenanceWindow } from '../qa/windows.ts';
import type { Language } from '../records/access.ts';

/**
 * The shape every report has once computed (issue 16), whatever its type and whatever it is printed as:
 * the report types (lib/reports/types/) fill it from the data, the formats (CSV, PDF, XLSX) print it.
 * A type is data: its columns say what each row holds and how it is shown, so a format needs no branch
 * per type. Words are catalogue keys (lib/i18n/locales/<lang>/reports.json), never text.
 */

export const REPORT_TYPES = ['ispu-daily', 'air-monthly', 'wastewater-monthly', 'water-monthly'] as const;
export type ReportType = (typeof REPORT_TYPES)[number];

export const REPORT_FORMATS = ['pdf', 'csv', 'xlsx'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/** What a person or the scheduler asks for, checked (lib/reports/request.ts) before anything is read. */
export type ReportRequest = {
  type: ReportType;
  /** `YYYY-MM-DD` for a daily report, `YYYY-MM` for a monthly one, in WIB. */
  period: string;
  /** Station ids; empty: every station of the type's kind the requester may see. */
  stations: string[];
  lang: Language;
};

/** A period in WIB as epoch ms, `[from, to)`, with the text it was asked as. */
export type ReportPeriod = { label: string; from: number; to: number; unit: 'day' | 'month' };

/** How a cell is printed: numbers with their decimals, shares as %, WIB times, ISPU categories coloured. */
export type CellFormat = 'text' | 'integer' | 'number' | 'percent' | 'datetime' | 'ispu-category';

export type Column = {
  /** The row property this column prints; also the CSV header (stable, English, snake_case). */
  key: string;
  /** Catalogue key of the heading (`report.column.<key>`). */
  label: string;
  format: CellFormat;
  /** For `number`: decimals shown (default 1). CSV always prints the full value. */
  decimals?: number;
  /** When the unit is the row's (`unit` property) rather than fixed: true. */
  unitFromRow?: boolean;
};

export type Cell = string | number | null;
/** One row: station, parameter and period always, then the type's columns by key. */
export type ReportRow = { station: string; parameter: string; period: string } & Record<string, Cell>;

export type StationMeta = {
  id: string;
  name: string;
  kind: string;
  district?: string | undefined;
  operator?: string | undefined;
  lat?: number | undefined;
  lon?: number | undefined;
};

/** A stretch of time worth a line of its own under a station's table (maintenance, calibration). */
export type ReportNote = { label: string; from: number; to: number | null; text?: string };

export type StationSection = {
  station: StationMeta;
  rows: ReportRow[];
  /** Capture % of the station over the period (all its reported fields together); null without data. */
  capture: number | null;
  notes: ReportNote[];
  /** How many of the section's values are in each data state (summed into the report's DataState). */
  states: { validated: number; provisional: number; invalid: number };
};

/**
 * Everything a report type needs of one station, read by the data source (InfluxDB and the records
 * database) for the period: one field's points `[ts, value, validity]` per field the type names, the
 * maintenance windows and the validators' decisions touching the period. One station at a time, so a
 * month of 37 stations is never in memory at once.
 */
export type StationData = {
  station: StationMeta;
  /** The kind's expected reporting interval (catalogue `expectedIntervalS`). */
  intervalS: number;
  series: ReadonlyMap<string, readonly Point[]>;
  windows: readonly MaintenanceWindow[];
  decisions: readonly Decision[];
};

/** A report type as data: lib/reports/types/<type>.ts exports one, lib/reports/types/index.ts lists them. */
export type ReportTypeSpec = {
  type: ReportType;
  /** The catalogue kind whose stations it covers. */
  kind: string;
  unit: ReportPeriod['unit'];
  standards: string[];
  /** The fields the data source reads for each station. */
  fields: readonly string[];
  /**
   * How long before the period the data source reads too (default 0): a 24 h mean at the day's first
   * hours needs the day before (ispu-daily: 24 h). Capture and states count only the period's own values.
   */
  lookbackMs?: number | undefined;
  columns: Column[];
  /** The station's rows, capture, notes and states, from its data alone (pure). */
  section(data: StationData, period: ReportPeriod): StationSection;
};

/** Share of the report's values in each data state (lib/qa/states.ts), 0..1, summing to 1 with data. */
export type DataState = { validated: number; provisional: number; invalid: number };

export type Report = {
  type: ReportType;
  lang: Language;
  /** Catalogue key of the title (`report.title.<type>`). */
  title: string;
  period: ReportPeriod;
  generatedAt: number;
  agency: { name: string; logoDataUri?: string | undefined };
  /** The standards the numbers are judged against: their ids in lib/standards (cited as `standard.<id>`). */
  standards: string[];
  dataState: DataState;
  columns: Column[];
  sections: StationSection[];
};

/** A format prints a report to bytes; `lib/reports/formats.ts` lists them. */
export type FormatSpec = {
  format: ReportFormat;
  extension: string;
  contentType: string;
  render(report: Report): Promise<Uint8Array>;
};
