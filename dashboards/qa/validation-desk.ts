import { type Decision, type Segment, timeline, withStates } from '../../lib/qa/states.ts';
import { formatWib } from '../../lib/qa/time.ts';
import { windowsCovering } from '../../lib/qa/windows.ts';
import type { Records } from '../../lib/records/database.ts';
import { toWindow } from '../../lib/records/maintenance.ts';
import { toDecision, type ValidationRecord } from '../../lib/records/validations.ts';
import {
  fieldProblem,
  fromInflux,
  inputProblem,
  inScope,
  iso,
  permitted,
  type QaActor,
  type QaOutcome,
  refuse,
  refuseFor,
  type StationLookup,
  spanProblem,
  stationFields,
  stationFor,
} from './common.ts';
import type { PointSource } from './influx-points.ts';
import { DataQuerySchema, DecisionInputSchema, ListQuerySchema } from './inputs.ts';

// Validators' decisions and the data with its states, for the qa CLI and the console API alike.
// A decision is refused unless InfluxDB holds values of every named field in the range: a decision on
// nothing would only look like a validation. Raw values are read, never written.

const MAX_DECISION_MS = 366 * 86_400_000;
const MAX_DATA_DAYS = 31;
const MAX_ROWS = 20_000;

export function decisionView(d: ValidationRecord) {
  return {
    id: d.id,
    station: d.station,
    kind: d.kind,
    fields: d.fields,
    from: iso(d.from_at),
    to: iso(d.to_at),
    decision: d.decision,
    reason: d.reason,
    points: d.points,
    decided_by: d.decided_by,
    via: d.via,
    decided_at: iso(d.decided_at),
  };
}
export type DecisionView = ReturnType<typeof decisionView>;

/** The previous state of a range, as the audit trail keeps it: per field, its segments. */
function previousView(segments: Segment[]) {
  return segments.map(({ from, to, state }) => ({
    from: iso(from),
    to: iso(to),
    ...state,
    ...(state.state === 'provisional' ? {} : { at: iso(state.at) }),
  }));
}

export type ValidationDeskOptions = { stations: StationLookup; points?: PointSource; now?: () => number };

export class ValidationDesk {
  readonly #records: Records;
  readonly #options: ValidationDeskOptions;
  readonly #now: () => number;

  constructor(records: Records, options: ValidationDeskOptions) {
    this.#records = records;
    this.#options = options;
    this.#now = options.now ?? Date.now;
  }

  async decide(body: unknown, who: QaActor): Promise<QaOutcome<DecisionView>> {
    const denied = permitted(who, 'validate');
    if (denied) return denied;
    const input = DecisionInputSchema.safeParse(body ?? {});
    if (!input.success) return refuseFor(400, inputProblem(input.error));
    const { station: id, from, to, decision, reason } = input.data;
    const fields = [...new Set(input.data.fields)];
    if (to <= from) return refuse(400, 'error.qa.range_order', { to: formatWib(to), from: formatWib(from) });
    if (to - from > MAX_DECISION_MS)
      return refuse(400, 'error.qa.decision_too_long', { days: MAX_DECISION_MS / 86_400_000 });
    const station = stationFor(who, this.#options.stations, id);
    if (!station.ok) return station;
    const kind = station.value.kind;
    const unknown = fieldProblem(kind, fields);
    if (unknown) return refuseFor(400, unknown);
    const counted = await this.#count(kind, id, fields, from, to);
    if (!counted.ok) return counted;
    const empty = fields.filter((f) => (counted.value.get(f) ?? 0) === 0);
    if (empty.length > 0)
      return refuse(400, 'error.qa.no_data', {
        fields: empty.join(', '),
        station: id,
        count: empty.length,
        from: formatWib(from),
        to: formatWib(to),
      });
    const points = [...counted.value.values()].reduce((a, b) => a + b, 0);

    const view = this.#records.transaction(() => {
      // What this decision supersedes, read in the same transaction as the write.
      const older = this.#records.validations.list({ station: id, from, to }).map(toDecision);
      const previous = Object.fromEntries(
        fields.map((f) => [f, previousView(timeline(older, id, f, from, to))]),
      );
      const stored = this.#records.validations.insert(
        {
          station: id,
          kind,
          fields,
          from_at: from,
          to_at: to,
          decision,
          reason: reason || null,
          points,
          decided_by: who.name,
          via: who.via,
        },
        this.#now(),
      );
      const shown = decisionView(stored);
      this.#records.audit.append({
        at: this.#now(),
        actor: who.name,
        via: who.via,
        action: 'data_validated',
        target: `${kind}/${id}/validation/${stored.id}`,
        before: previous,
        after: shown,
        address: who.address,
      });
      return shown;
    });
    return { ok: true, value: view };
  }

  /** Decisions on the stations in the actor's scope, newest first. */
  list(query: unknown, who: QaActor): QaOutcome<DecisionView[]> {
    const denied = permitted(who, 'read');
    if (denied) return denied;
    const parsed = ListQuerySchema.omit({ type: true }).safeParse(query ?? {});
    if (!parsed.success) return refuseFor(400, inputProblem(parsed.error));
    const { station, field, from, to, limit } = parsed.data;
    if (station !== undefined) {
      const known = stationFor(who, this.#options.stations, station);
      if (!known.ok && known.status === 403) return known;
    }
    const rows = this.#records.validations.list({
      station,
      field,
      from,
      to,
      limit: limit * 10,
      newestFirst: true,
    });
    const ref = (d: ValidationRecord) => this.#options.stations(d.station) ?? { id: d.station, kind: d.kind };
    return {
      ok: true,
      value: rows
        .filter((d) => inScope(who, ref(d)))
        .slice(0, limit)
        .map(decisionView),
    };
  }

  /**
   * A station's values in `[from, to)` with their states, filtered (`raw`, `provisional`, `validated`),
   * and the maintenance windows over the range. The raw values are queried from InfluxDB and the
   * decisions applied in memory afterwards (lib/qa/states.ts), so InfluxDB is never asked to filter.
   */
  async data(id: string, query: unknown, who: QaActor) {
    const denied = permitted(who, 'read');
    if (denied) return denied;
    const parsed = DataQuerySchema.safeParse(query ?? {});
    if (!parsed.success) return refuseFor(400, inputProblem(parsed.error));
    const { state, from, to } = parsed.data;
    const badSpan = spanProblem(from, to, MAX_DATA_DAYS, {
      code: 'error.qa.data_too_long',
      params: { days: MAX_DATA_DAYS },
    });
    if (badSpan) return badSpan;
    const target = stationFields(who, this.#options.stations, id, parsed.data.fields);
    if (!target.ok) return target;
    const { kind, fields } = target.value;
    const got = await fromInflux(this.#options.points, (p) =>
      p.read(kind.id, id, fields, from, to, MAX_ROWS),
    );
    if (!got.ok) return got;
    const read = got.value;
    const decisions: Decision[] = this.#records.validations.list({ station: id, from, to }).map(toDecision);
    const series = fields.map((field, i) => {
      const points = read.rows.flatMap(([t, ...values]) => {
        const v = values[i];
        return typeof v === 'number' ? [[t, v] as [number, number]] : [];
      });
      return {
        field,
        unit: kind.fields[field]?.unit ?? '',
        points: withStates(decisions, id, field, points, state),
      };
    });
    const windows = windowsCovering(
      this.#records.maintenance.list({ station: id, from, to, limit: 1000 }).map(toWindow),
      { station: id, from, to },
    ).map((o) => ({
      id: o.window.id,
      type: o.window.type,
      fields: o.window.fields,
      start: iso(o.start),
      end: iso(o.end),
    }));
    return {
      ok: true as const,
      value: {
        station: id,
        kind: kind.id,
        state,
        from: iso(from),
        to: iso(to),
        truncated: read.truncated,
        series,
        windows,
      },
    };
  }

  async #count(kind: string, station: string, fields: string[], from: number, to: number) {
    if (!this.#options.points) return refuse(503, 'error.qa.no_influx_check');
    try {
      return { ok: true as const, value: await this.#options.points.count(kind, station, fields, from, to) };
    } catch (err) {
      return refuse(502, 'error.qa.influx_count_failed', { detail: (err as Error).message });
    }
  }
}
