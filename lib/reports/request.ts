import { nextPeriod } from '../aggregate/periods.ts';
import type { Language, Scope } from '../records/access.ts';
import { Languages } from '../records/access.ts';
import {
  REPORT_FORMATS,
  REPORT_TYPES,
  type ReportFormat,
  type ReportPeriod,
  type ReportRequest,
  type ReportType,
  type ReportTypeSpec,
  type StationMeta,
} from './model.ts';

/**
 * A report request as a person or the scheduler writes it, checked before anything is read (issue 16):
 * the type, the period (a WIB day or month, not in the future), the stations (in the registry, of the
 * type's kind, inside the requester's scope), the formats and the language. Pure: the registry, the
 * scope and the clock are given. A refusal is a catalogue key (report-cli.json) naming the bad value.
 */

export type RequestInput = {
  type: string;
  period: string;
  /** Empty: every station of the type's kind the requester may see. */
  stations: readonly string[];
  formats: readonly string[];
  lang: string;
};

export type RequestContext = {
  /** The report types this installation has (lib/reports/types/index.ts). */
  specs: readonly ReportTypeSpec[];
  /** The formats this installation can print (lib/reports/formats.ts). */
  formats: readonly ReportFormat[];
  /** The registry's stations (revoked ones left out). */
  registry: readonly StationMeta[];
  scope: Scope;
  now: number;
};

/** What `generateReport` needs, every value checked. */
export type CheckedRequest = {
  request: ReportRequest;
  spec: ReportTypeSpec;
  period: ReportPeriod;
  stations: StationMeta[];
  formats: ReportFormat[];
};

export type Refusal = { key: string; params: Record<string, string> };
export type RequestCheck = { ok: true; value: CheckedRequest } | { ok: false; refusal: Refusal };

// WIB is UTC+7 all year (lib/qa/time.ts): a WIB calendar day starts at 17:00 UTC the day before.
const WIB_OFFSET_MS = 7 * 3_600_000;
const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const MONTH = /^(\d{4})-(\d{2})$/;
export const PERIOD_FORMS = { day: 'YYYY-MM-DD', month: 'YYYY-MM' } as const;

/** A WIB day `YYYY-MM-DD` or month `YYYY-MM` as `[from, to)` in epoch ms; undefined when malformed. */
export function parsePeriod(text: string, unit: ReportPeriod['unit']): ReportPeriod | undefined {
  const match = (unit === 'day' ? DAY : MONTH).exec(text);
  if (!match) return undefined;
  const year = Number(match[1]);
  const month = Number(match[2]);
  if (year < 1970 || month < 1 || month > 12) return undefined;
  const day = unit === 'month' ? 1 : Number(match[3]);
  const midnight = Date.UTC(year, month - 1, day);
  // Date.UTC rolls 2026-02-30 over into March: a date that does not exist is refused.
  if (new Date(midnight).getUTCDate() !== day) return undefined;
  const from = midnight - WIB_OFFSET_MS;
  return { label: text, from, to: nextPeriod(unit, from), unit };
}

/** Whether the principal's scope lets it see the station (lib/records/access.ts: unscoped sees all). */
export function inScope(scope: Scope, station: Pick<StationMeta, 'kind' | 'operator'>): boolean {
  if (scope.kinds && !scope.kinds.includes(station.kind)) return false;
  // An operator scope admits only stations whose operator is known and listed: unknown is not "yours".
  if (scope.operators && (station.operator === undefined || !scope.operators.includes(station.operator)))
    return false;
  return true;
}

const refuse = (key: string, params: Record<string, string>): RequestCheck => ({
  ok: false,
  refusal: { key, params },
});

const isType = (value: string): value is ReportType => (REPORT_TYPES as readonly string[]).includes(value);
const isFormat = (value: string): value is ReportFormat =>
  (REPORT_FORMATS as readonly string[]).includes(value);
const isLanguage = (value: string): value is Language => (Languages as readonly string[]).includes(value);

export function checkRequest(input: RequestInput, context: RequestContext): RequestCheck {
  if (!isType(input.type))
    return refuse('report_request.type_unknown', { type: input.type, types: REPORT_TYPES.join(', ') });
  const spec = context.specs.find((s) => s.type === input.type);
  if (!spec) return refuse('report_request.type_unavailable', { type: input.type });

  const form = PERIOD_FORMS[spec.unit];
  const period = parsePeriod(input.period, spec.unit);
  if (!period)
    return refuse('report_request.period_malformed', { period: input.period, form, type: spec.type });
  // A period that has started is allowed ("this month so far"); one that has not is a typo or a wish.
  if (period.from > context.now) return refuse('report_request.period_future', { period: input.period });

  if (input.formats.length === 0) return refuse('report_request.format_none', {});
  const formats: ReportFormat[] = [];
  for (const format of input.formats) {
    if (!isFormat(format))
      return refuse('report_request.format_unknown', { format, formats: REPORT_FORMATS.join(', ') });
    if (!context.formats.includes(format))
      return refuse('report_request.format_unavailable', { format, formats: context.formats.join(', ') });
    if (!formats.includes(format)) formats.push(format);
  }

  if (!isLanguage(input.lang))
    return refuse('report_request.lang_unknown', { lang: input.lang, langs: Languages.join(', ') });

  const byId = new Map(context.registry.map((s) => [s.id, s]));
  const stations: StationMeta[] = [];
  for (const id of new Set(input.stations)) {
    const station = byId.get(id);
    // Scope before kind: a scoped user learns nothing about a station outside it but that it is not theirs.
    if (!station) return refuse('report_request.station_unknown', { station: id });
    if (!inScope(context.scope, station)) return refuse('report_request.station_scope', { station: id });
    if (station.kind !== spec.kind)
      return refuse('report_request.station_kind', {
        station: id,
        kind: station.kind,
        type: spec.type,
        expected: spec.kind,
      });
    stations.push(station);
  }
  if (input.stations.length === 0) {
    for (const station of context.registry)
      if (station.kind === spec.kind && inScope(context.scope, station)) stations.push(station);
    if (stations.length === 0)
      return refuse('report_request.no_stations', { type: spec.type, kind: spec.kind });
    stations.sort((a, b) => a.id.localeCompare(b.id));
  }

  return {
    ok: true,
    value: {
      request: {
        type: spec.type,
        period: period.label,
        stations: stations.map((s) => s.id),
        lang: input.lang,
      },
      spec,
      period,
      stations,
      formats,
    },
  };
}
