import type { Decision } from '../qa/states.ts';
import type { MaintenanceWindow } from '../qa/windows.ts';
import type { MaintenanceRepo } from '../records/maintenance.ts';
import { toWindow } from '../records/maintenance.ts';
import type { ValidationRepo } from '../records/validations.ts';
import { toDecision } from '../records/validations.ts';
import type { ReportPeriod, ReportTypeSpec, StationData, StationMeta } from './model.ts';

/**
 * Where a report's numbers come from: one station at a time (a month of 37 stations is never in memory
 * at once), the type's fields with their validity codes, and the station's maintenance windows and
 * validators' decisions touching the period. lib/reports/influx-source.ts reads InfluxDB and the
 * records database; tests give their own.
 */
export type StationSource = {
  read(
    station: StationMeta,
    spec: Pick<ReportTypeSpec, 'kind' | 'fields' | 'lookbackMs'>,
    period: ReportPeriod,
  ): Promise<StationData>;
};

/** What the records database says about a station's period (read only). */
export type QaRecords = {
  windows(station: string, from: number, to: number): MaintenanceWindow[];
  decisions(station: string, from: number, to: number): Decision[];
};

// A month holds a few windows a station; the listing's default bound (500) is for screens, not reports.
const ALL = 100_000;

export function qaRecordsOf(records: {
  maintenance: MaintenanceRepo;
  validations: ValidationRepo;
}): QaRecords {
  return {
    windows: (station, from, to) => records.maintenance.list({ station, from, to, limit: ALL }).map(toWindow),
    // Oldest first: the order in which decisions supersede one another (lib/qa/states.ts).
    decisions: (station, from, to) => records.validations.list({ station, from, to }).map(toDecision),
  };
}

/** No records database: no windows and no decisions (every value provisional). */
export const NO_QA_RECORDS: QaRecords = { windows: () => [], decisions: () => [] };
