import { formatRrule, parseRrule, startProblem } from '../../lib/qa/recurrence.ts';
import { formatWib } from '../../lib/qa/time.ts';
import { occurrences } from '../../lib/qa/windows.ts';
import type { AuditAction } from '../../lib/records/audit.ts';
import type { Records } from '../../lib/records/database.ts';
import { type NewWindow, toWindow, type WindowRecord } from '../../lib/records/maintenance.ts';
import {
  fieldProblem,
  inputProblem,
  inScope,
  iso,
  permitted,
  type QaActor,
  type QaOutcome,
  refuse,
  refuseFor,
  type StationLookup,
  stationFor,
} from './common.ts';
import {
  CalibrationInputSchema,
  EndInputSchema,
  ListQuerySchema,
  WindowInputSchema,
  WindowPatchSchema,
} from './inputs.ts';

// Maintenance and calibration windows for the qa CLI and the console API alike: operators (and admins)
// add, edit and end them, everyone who may read sees those of the stations in their scope. Each change
// is one transaction with its audit row; a refusal changes nothing.

const MAX_OCCURRENCE_MS = 31 * 86_400_000;
const MAX_OCCURRENCES_LISTED = 200;

export type WindowView = ReturnType<typeof windowView>;

export function windowView(r: WindowRecord, range?: { from: number; to: number }) {
  const view = {
    id: r.id,
    station: r.station,
    kind: r.kind,
    fields: r.fields,
    type: r.type,
    origin: r.origin,
    start: iso(r.start_at),
    end: iso(r.end_at),
    rrule: r.rrule,
    duration_ms: r.duration_ms,
    who: r.who,
    notes: r.notes,
    created_by: r.created_by,
    created_at: iso(r.created_at),
    updated_at: iso(r.updated_at),
    ...(r.calibration ? { calibration: r.calibration } : {}),
  };
  if (!range || r.rrule === null) return view;
  // A recurring window's occurrences in the asked range, for a calendar.
  const list = occurrences(toWindow(r), range.from, range.to).slice(0, MAX_OCCURRENCES_LISTED);
  return { ...view, occurrences: list.map((o) => ({ start: iso(o.start), end: iso(o.end) })) };
}

const audited = ({ created_at: _c, updated_at: _u, ...rest }: WindowView) => rest;

type Candidate = Pick<NewWindow, 'kind' | 'fields' | 'start_at' | 'end_at' | 'rrule' | 'duration_ms'>;

/** Why a window cannot be stored as given; its rule in canonical form when it can. */
function checkWindow(w: Candidate): QaOutcome<string | null> {
  if (w.end_at !== null && w.end_at <= w.start_at)
    return refuse(400, 'error.qa.window_order', {
      end: formatWib(w.end_at),
      when: w.end_at === w.start_at ? 'same' : 'before',
      start: formatWib(w.start_at),
    });
  const fields = w.fields && fieldProblem(w.kind, w.fields);
  if (fields) return refuseFor(400, fields);
  if (w.rrule === null && w.duration_ms === null) return { ok: true, value: null };
  if (w.rrule === null || w.duration_ms === null) return refuse(400, 'error.qa.recurring_needs_both');
  if (w.duration_ms > MAX_OCCURRENCE_MS)
    return refuse(400, 'error.qa.occurrence_too_long', { days: MAX_OCCURRENCE_MS / 86_400_000 });
  const rule = parseRrule(w.rrule);
  if (!rule.ok) return refuse(400, 'error.qa.bad_rrule', { detail: rule.problem });
  const problem = startProblem(rule.value, w.start_at);
  if (problem) return refuse(400, 'error.qa.bad_rrule', { detail: problem });
  return { ok: true, value: formatRrule(rule.value) };
}

export type MaintenanceDeskOptions = { stations: StationLookup; now?: () => number };

export class MaintenanceDesk {
  readonly #records: Records;
  readonly #stations: StationLookup;
  readonly #now: () => number;

  constructor(records: Records, options: MaintenanceDeskOptions) {
    this.#records = records;
    this.#stations = options.stations;
    this.#now = options.now ?? Date.now;
  }

  add(body: unknown, who: QaActor): QaOutcome<WindowView> {
    const denied = permitted(who, 'maintain');
    if (denied) return denied;
    const input = WindowInputSchema.safeParse(body ?? {});
    if (!input.success) return refuseFor(400, inputProblem(input.error));
    const { station: id, start, end, rrule, duration, who: people, ...rest } = input.data;
    const station = stationFor(who, this.#stations, id);
    if (!station.ok) return station;
    const window: NewWindow = {
      ...rest,
      station: id,
      kind: station.value.kind,
      start_at: start,
      end_at: end,
      rrule: rrule ?? null,
      duration_ms: duration ?? null,
      who: people || who.name,
      created_by: who.name,
    };
    const checked = checkWindow(window);
    if (!checked.ok) return checked;
    window.rrule = checked.value;
    return this.#write(who, 'maintenance_added', () => [
      undefined,
      this.#records.maintenance.insert(window, this.#now()),
    ]);
  }

  /** A calibration: a logged window of type calibration on one field, with its results. */
  addCalibration(body: unknown, who: QaActor): QaOutcome<WindowView> {
    const denied = permitted(who, 'maintain');
    if (denied) return denied;
    const input = CalibrationInputSchema.safeParse(body ?? {});
    if (!input.success) return refuseFor(400, inputProblem(input.error));
    const c = input.data;
    const station = stationFor(who, this.#stations, c.station);
    if (!station.ok) return station;
    const window: NewWindow = {
      station: c.station,
      kind: station.value.kind,
      fields: [c.field],
      type: 'calibration',
      origin: 'logged',
      start_at: c.start,
      end_at: c.end,
      rrule: null,
      duration_ms: null,
      who: c.who || who.name,
      notes: c.notes,
      created_by: who.name,
    };
    const checked = checkWindow(window);
    if (!checked.ok) return checked;
    const result = {
      field: c.field,
      zero_reading: c.zero_reading ?? null,
      span_reading: c.span_reading ?? null,
      span_target: c.span_target ?? null,
      offset_applied: c.offset_applied ?? null,
      reference: c.reference,
    };
    return this.#write(who, 'calibration_added', () => {
      const stored = this.#records.maintenance.insert(window, this.#now());
      return [undefined, this.#records.maintenance.addCalibration(stored.id, result) ?? stored];
    });
  }

  change(id: number, body: unknown, who: QaActor): QaOutcome<WindowView> {
    const denied = permitted(who, 'maintain');
    if (denied) return denied;
    const patch = WindowPatchSchema.safeParse(body ?? {});
    if (!patch.success) return refuseFor(400, inputProblem(patch.error));
    if (Object.values(patch.data).every((v) => v === undefined))
      return refuse(400, 'error.qa.nothing_to_change');
    const before = this.#find(id, who);
    if (!before.ok) return before;
    const { start, end, rrule, duration, ...rest } = patch.data;
    const after = {
      ...before.value,
      ...Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined)),
      start_at: start ?? before.value.start_at,
      end_at: end === undefined ? before.value.end_at : end,
      rrule: rrule === undefined ? before.value.rrule : rrule,
      // A window made a one-off loses its occurrence length with its rule.
      duration_ms: rrule === null ? null : (duration ?? before.value.duration_ms),
    } as WindowRecord;
    const checked = checkWindow(after);
    if (!checked.ok) return checked;
    after.rrule = checked.value;
    return this.#write(who, 'maintenance_changed', () => [
      before.value,
      this.#records.maintenance.update(id, after, this.#now()) ?? after,
    ]);
  }

  /** Ends a window (an open one, or one planned to last longer) at `at`, default now. */
  end(id: number, body: unknown, who: QaActor): QaOutcome<WindowView> {
    const denied = permitted(who, 'maintain');
    if (denied) return denied;
    const input = EndInputSchema.safeParse(body ?? {});
    if (!input.success) return refuseFor(400, inputProblem(input.error));
    const before = this.#find(id, who);
    if (!before.ok) return before;
    const at = input.data.at ?? this.#now();
    const w = before.value;
    if (w.end_at !== null && w.end_at <= at)
      return refuse(409, 'error.qa.already_ended', { id, time: formatWib(w.end_at) });
    const checked = checkWindow({ ...w, end_at: at });
    if (!checked.ok) return checked;
    return this.#write(who, 'maintenance_ended', () => [
      w,
      this.#records.maintenance.update(id, { end_at: at }, this.#now()) ?? w,
    ]);
  }

  get(id: number, who: QaActor): QaOutcome<WindowView> {
    const found = this.#find(id, who);
    return found.ok ? { ok: true, value: windowView(found.value) } : found;
  }

  /** Windows of the stations in the actor's scope, newest start first; with from/to, occurrences too. */
  list(query: unknown, who: QaActor, calibrations = false): QaOutcome<WindowView[]> {
    const denied = permitted(who, 'read');
    if (denied) return denied;
    const parsed = ListQuerySchema.safeParse(query ?? {});
    if (!parsed.success) return refuseFor(400, inputProblem(parsed.error));
    const { station, type, from, to, limit } = parsed.data;
    if (from !== undefined && to !== undefined && to <= from) return refuse(400, 'error.qa.to_after_from');
    if (station !== undefined) {
      const known = stationFor(who, this.#stations, station);
      if (!known.ok && known.status === 403) return known;
    }
    // Scope is applied after the query (a station's operator comes from the registry), on a wider page.
    const rows = this.#records.maintenance.list({ station, type, from, to, calibrations, limit: limit * 10 });
    const range = from !== undefined && to !== undefined ? { from, to } : undefined;
    const visible = rows.filter((r) => inScope(who, this.#ref(r))).slice(0, limit);
    return { ok: true, value: visible.map((r) => windowView(r, range)) };
  }

  #ref(r: WindowRecord) {
    return this.#stations(r.station) ?? { id: r.station, kind: r.kind };
  }

  #find(id: number, who: QaActor): QaOutcome<WindowRecord> {
    const denied = permitted(who, 'read');
    if (denied) return denied;
    const record = Number.isSafeInteger(id) ? this.#records.maintenance.get(id) : undefined;
    if (!record) return refuse(404, 'error.qa.no_window', { id });
    if (!inScope(who, this.#ref(record)))
      return refuse(403, 'error.qa.station_outside_scope', { station: record.station });
    return { ok: true, value: record };
  }

  #write(
    who: QaActor,
    action: AuditAction,
    work: () => [WindowRecord | undefined, WindowRecord],
  ): QaOutcome<WindowView> {
    const view = this.#records.transaction(() => {
      const [before, after] = work();
      const shown = windowView(after);
      this.#records.audit.append({
        at: this.#now(),
        actor: who.name,
        via: who.via,
        action,
        target: `${after.kind}/${after.station}/maintenance/${after.id}`,
        before: before && audited(windowView(before)),
        after: audited(shown),
        address: who.address,
      });
      return shown;
    });
    return { ok: true, value: view };
  }
}
