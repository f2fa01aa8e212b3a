import { capture } from '../../lib/aggregate/index.ts';
import { withDecisionCodes } from '../../lib/qa/states.ts';
import type { Records } from '../../lib/records/database.ts';
import { toWindow } from '../../lib/records/maintenance.ts';
import { toDecision } from '../../lib/records/validations.ts';
import {
  fromInflux,
  inputProblem,
  iso,
  permitted,
  type QaActor,
  type QaOutcome,
  refuse,
  refuseFor,
  type StationLookup,
  spanProblem,
  stationFields,
} from './common.ts';
import type { PointSource } from './influx-points.ts';
import { CaptureQuerySchema } from './inputs.ts';

/** The widest range per period: about a thousand rows per field at most (hours of a month, days of a quarter). */
export const MAX_CAPTURE_DAYS = { hour: 31, day: 92, month: 366 } as const;
/** Rows read from InfluxDB at most; a station reporting every minute fills it in about ten weeks. */
export const MAX_CAPTURE_ROWS = 100_000;

export type CaptureView = {
  station: string;
  kind: string;
  period: 'hour' | 'day' | 'month';
  from: string | null;
  to: string | null;
  intervalS: number;
  fields: {
    field: string;
    rows: {
      start: string | null;
      end: string | null;
      expected: number;
      received: number;
      valid: number;
      excluded: number;
      capture: number | null;
      sufficient: boolean;
    }[];
  }[];
};

/**
 * Data capture of a station (issue 15): per field and period, expected, received, valid, excluded,
 * capture % and the 75 % rule, computed by lib/aggregate `capture()` from the stored values with their
 * validity codes and the station's maintenance windows. A value a validator invalidated is not valid;
 * a value a validator validated keeps its automatic code (a decision confirms data, it does not recode).
 */
export class CaptureDesk {
  readonly #records: Records;
  readonly #options: { stations: StationLookup; points: PointSource | undefined };

  constructor(records: Records, options: { stations: StationLookup; points: PointSource | undefined }) {
    this.#records = records;
    this.#options = options;
  }

  async capture(id: string, query: unknown, who: QaActor): Promise<QaOutcome<CaptureView>> {
    const denied = permitted(who, 'read');
    if (denied) return denied;
    const parsed = CaptureQuerySchema.safeParse(query ?? {});
    if (!parsed.success) return refuseFor(400, inputProblem(parsed.error));
    const { from, to, period } = parsed.data;
    const days = MAX_CAPTURE_DAYS[period];
    const badSpan = spanProblem(from, to, days, {
      code: 'error.qa.capture_too_long',
      params: { days, period },
    });
    if (badSpan) return badSpan;
    const target = stationFields(who, this.#options.stations, id, parsed.data.fields);
    if (!target.ok) return target;
    const { kind, fields } = target.value;
    const got = await fromInflux(this.#options.points, (p) =>
      p.codes(kind.id, id, fields, from, to, MAX_CAPTURE_ROWS),
    );
    if (!got.ok) return got;
    const read = got.value;
    if (read.truncated) return refuse(400, 'error.qa.capture_too_much', { rows: MAX_CAPTURE_ROWS });
    const windows = this.#records.maintenance.list({ station: id, from, to, limit: 10_000 }).map(toWindow);
    const decisions = this.#records.validations.list({ station: id, from, to }).map(toDecision);
    return {
      ok: true,
      value: {
        station: id,
        kind: kind.id,
        period,
        from: iso(from),
        to: iso(to),
        intervalS: kind.expectedIntervalS,
        fields: fields.map((field) => {
          const points = withDecisionCodes(decisions, id, field, read.series.get(field) ?? []);
          const rows = capture(points, {
            station: id,
            field,
            intervalS: kind.expectedIntervalS,
            from,
            to,
            period,
            windows,
          });
          return {
            field,
            rows: rows.map((r) => ({
              ...r,
              start: iso(r.start),
              end: iso(r.end),
              capture: r.capture === null ? null : Math.round(r.capture * 10) / 10,
            })),
          };
        }),
      },
    };
  }
}
