import { findKind, kinds, STATION_ID_PATTERN } from '../../lib/catalogue/index.ts';
import { parseTopic } from '../../lib/catalogue/topics.ts';
import { keyFields } from './key-fields.ts';
import {
  type Alert,
  AlertSchema,
  type Ispu,
  IspuSchema,
  NormalizedReadingSchema,
  parseJson,
  whenMs,
} from './messages.ts';
import type { StationRef, Visible } from './scope.ts';

/** A station as the console knows it: registry attributes plus what MQTT said last. */
export type Station = {
  id: string;
  kind: string;
  name?: string;
  district?: string;
  operator?: string;
  /** false: seen on MQTT only. */
  registered: boolean;
  status: 'online' | 'offline' | 'unknown';
  status_at?: number;
  /** Device time of the earliest reading seen since the console started (the ISPU hint's start). */
  first_ts?: number;
  last_ts?: number;
  /** Last value of each field (readings may carry a subset of fields). */
  values: Record<string, number>;
  rejected: number;
  last_reject_reason?: string;
};
export type StationView = Station & { stale: boolean };

export type Change =
  | { type: 'station'; station: StationView }
  | { type: 'station_removed'; id: string; kind: string; operator?: string | undefined }
  | { type: 'alert'; alert: Alert }
  | { type: 'alert_removed'; id: string }
  | { type: 'ispu'; ispu: Ispu };

/** A device of the registry (lib/registry `Device`): a station unless revoked. */
export type RegistryStation = Pick<Station, 'id' | 'kind' | 'name' | 'district' | 'operator'> & {
  revoked?: boolean | undefined;
};

const STALE_FACTOR = 3;

/** Stale: no reading within 3x the kind's expected interval (catalogue `expectedIntervalS`). */
export function isStale(station: Station, now: number): boolean {
  const interval = findKind(station.kind)?.expectedIntervalS ?? 60;
  return station.last_ts === undefined || now - station.last_ts > STALE_FACTOR * interval * 1000;
}

/**
 * The console's live picture, fed one MQTT message at a time. Pure: no I/O, the clock is passed in,
 * and every input is validated (topic ids against the catalogue patterns, payloads with zod), so a bad
 * message is ignored instead of reaching a browser.
 */
export class LiveState {
  readonly #stations = new Map<string, Station>();
  readonly #alerts = new Map<string, Alert>();
  #cleared: Alert[] = [];
  readonly #ispu = new Map<string, Ispu>();
  readonly #keepCleared: number;
  /** Ids of revoked devices: not stations, whatever MQTT still says about them (retained messages). */
  #revoked = new Set<string>();
  /** The console was given a registry (undefined: every station is known from MQTT only). */
  readonly #hasRegistry: boolean;

  constructor(registry?: readonly RegistryStation[], keepCleared = 100) {
    this.#keepCleared = keepCleared;
    this.#hasRegistry = registry !== undefined;
    this.setRegistry(registry ?? [], 0);
  }

  /**
   * The registry's devices, at start and after every change of the file. A revoked device is not a
   * station: it leaves the list, the counts and the ISPU, and later messages about it are ignored.
   * A device removed from the file leaves too; a new one is listed at once, before it reports.
   */
  setRegistry(devices: readonly RegistryStation[], now: number): Change[] {
    const changes: Change[] = [];
    const listed = new Map(devices.filter((d) => !d.revoked).map((d) => [d.id, d]));
    this.#revoked = new Set(devices.filter((d) => d.revoked).map((d) => d.id));
    for (const [id, s] of this.#stations) {
      if (!this.#revoked.has(id) && (!s.registered || listed.has(id))) continue;
      this.#stations.delete(id);
      this.#ispu.delete(id);
      changes.push({ type: 'station_removed', id, kind: s.kind, operator: s.operator });
    }
    for (const { revoked: _, ...d } of listed.values()) {
      const before = this.#stations.get(d.id);
      const fresh = { status: 'unknown' as const, values: {}, rejected: 0 };
      // A device moved to another kind starts afresh: its old values are another kind's fields.
      const s: Station = { ...(before?.kind === d.kind ? before : fresh), ...d, registered: true };
      if (before && sameAttributes(before, s)) continue;
      this.#stations.set(d.id, s);
      changes.push({ type: 'station', station: this.#view(s, now) });
    }
    return changes;
  }

  apply(topic: string, payload: Buffer | string, now: number): Change | undefined {
    const t = parseTopic(topic);
    if (t?.type === 'ispu') return this.#ispuReading(t.station, payload);
    if (!t || !('kind' in t) || !findKind(t.kind)) return undefined;
    if (t.type === 'normalized') return this.#reading(t.kind, t.station, payload, now);
    if (t.type === 'status') return this.#status(t.kind, t.station, payload, now);
    if (t.type === 'alert') return this.#alert(t.kind, t.station, t.rule, payload);
    return undefined;
  }

  /** Dead letters arrive on ingest/rejected/<kind>/<station>: counted per station. */
  applyRejected(topic: string, payload: Buffer | string, now: number): Change | undefined {
    const t = parseTopic(topic);
    if (t?.type !== 'rejected' || !findKind(t.kind)) return undefined;
    const s = this.#station(t.kind, t.station);
    if (!s) return undefined;
    s.rejected += 1;
    const body = parseJson(payload) as { reason?: unknown } | undefined;
    if (typeof body?.reason === 'string') s.last_reject_reason = body.reason.slice(0, 64);
    return { type: 'station', station: this.#view(s, now) };
  }

  // Every read below takes an optional `visible` (core/scope.ts): a scoped principal's filter.
  stations(now: number, visible?: Visible): StationView[] {
    return [...this.#stations.values()]
      .filter((s) => !visible || visible(s))
      .map((s) => this.#view(s, now))
      .sort((a, b) => a.kind.localeCompare(b.kind) || a.id.localeCompare(b.id));
  }

  station(id: string, now: number): StationView | undefined {
    const s = this.#stations.get(id);
    return s && this.#view(s, now);
  }

  alert(id: string): Alert | undefined {
    return this.#alerts.get(id);
  }

  /** Active alerts first (newest raised first), then recently cleared ones (newest cleared first). */
  alerts(visible?: Visible): Alert[] {
    const active = [...this.#alerts.values()].sort((a, b) => whenMs(b.raised_at) - whenMs(a.raised_at));
    const all = [...active, ...this.#cleared];
    return visible ? all.filter((a) => visible(this.ref(a.station, a.kind))) : all;
  }

  ispu(visible?: Visible): Ispu[] {
    return [...this.#ispu.values()]
      .filter((i) => !visible || visible(this.ref(i.station, 'air_quality')))
      .sort((a, b) => a.station.localeCompare(b.station));
  }

  /**
   * The station as scope decisions see it: the live record's kind and operator when the station is
   * known, else `kind` (from the topic) and no operator.
   */
  ref(id: string, kind: string): StationRef {
    const s = this.#stations.get(id);
    return s ? { id, kind: s.kind, operator: s.operator } : { id, kind };
  }

  /** Whether a live change concerns a station that `visible` lets through (SSE, per connection). */
  changeVisible(change: Change, visible: Visible): boolean {
    switch (change.type) {
      case 'station':
        return visible(change.station);
      case 'alert':
        return visible(this.ref(change.alert.station, change.alert.kind));
      case 'ispu':
        return visible(this.ref(change.ispu.station, 'air_quality'));
      case 'station_removed': // the station is gone from the list: judge it by what it was
        return visible({ id: change.id, kind: change.kind, operator: change.operator });
      case 'alert_removed': {
        const [kind = '', station = ''] = change.id.split('/');
        return visible(this.ref(station, kind));
      }
    }
  }

  summary(now: number, visible?: Visible) {
    const stations = this.stations(now, visible);
    const active = this.alerts(visible).filter((a) => a.state !== 'cleared');
    return {
      stations: stations.length,
      online: stations.filter((s) => s.status === 'online' || (s.status === 'unknown' && !s.stale)).length,
      stale: stations.filter((s) => s.stale).length,
      alerts: {
        critical: active.filter((a) => a.severity === 'critical').length,
        warning: active.filter((a) => a.severity === 'warning').length,
      },
      ispu: this.ispu(visible),
    };
  }

  snapshot(now: number, visible?: Visible) {
    return {
      now,
      kinds: kinds.map((k) => ({
        id: k.id,
        title: k.title,
        expectedIntervalS: k.expectedIntervalS,
        keyFields: keyFields(k.id),
      })),
      stations: this.stations(now, visible),
      alerts: this.alerts(visible),
      ispu: this.ispu(visible),
    };
  }

  /** The station a message is about; undefined for a revoked device. */
  #station(kind: string, id: string): Station | undefined {
    if (this.#revoked.has(id)) return undefined;
    let s = this.#stations.get(id);
    if (!s) {
      s = { id, kind, registered: false, status: 'unknown', values: {}, rejected: 0 };
      this.#stations.set(id, s);
    }
    return s;
  }

  #view(s: Station, now: number): StationView {
    return { ...s, values: { ...s.values }, stale: isStale(s, now) };
  }

  #reading(kind: string, id: string, payload: Buffer | string, now: number): Change | undefined {
    const parsed = NormalizedReadingSchema.safeParse(parseJson(payload));
    if (!parsed.success) return undefined;
    const fields = findKind(kind)?.fields ?? {};
    const s = this.#station(kind, id);
    if (s?.kind !== kind) return undefined;
    s.first_ts = Math.min(s.first_ts ?? parsed.data.ts, parsed.data.ts);
    // Out-of-order readings (replays) must not move the clock back.
    if (s.last_ts !== undefined && parsed.data.ts < s.last_ts) return undefined;
    s.last_ts = parsed.data.ts;
    for (const [field, value] of Object.entries(parsed.data.values)) {
      if (Object.hasOwn(fields, field)) s.values[field] = value;
    }
    if (!s.district && parsed.data.tags?.district) s.district = parsed.data.tags.district;
    if (!s.operator && parsed.data.tags?.operator) s.operator = parsed.data.tags.operator;
    return { type: 'station', station: this.#view(s, now) };
  }

  #status(kind: string, id: string, payload: Buffer | string, now: number): Change | undefined {
    const text = payload.toString().trim();
    if (text !== 'online' && text !== 'offline') return undefined;
    // Only registered devices can connect: with a registry, the status of any other is a leftover
    // retained message (a device revoked or removed), not a station.
    if (this.#hasRegistry && !this.#stations.get(id)?.registered) return undefined;
    const s = this.#station(kind, id);
    if (s?.kind !== kind) return undefined;
    s.status = text;
    s.status_at = now;
    return { type: 'station', station: this.#view(s, now) };
  }

  #ispuReading(id: string, payload: Buffer | string): Change | undefined {
    if (!STATION_ID_PATTERN.test(id) || this.#revoked.has(id)) return undefined;
    // Retained, so it outlives its station: with a registry, only a station's ISPU is shown.
    if (this.#hasRegistry && !this.#stations.has(id)) return undefined;
    const parsed = IspuSchema.safeParse(parseJson(payload));
    if (!parsed.success) return undefined;
    const ispu = { ...parsed.data, station: id };
    const before = this.#ispu.get(id);
    if (before && before.ts > ispu.ts) return undefined;
    this.#ispu.set(id, ispu);
    return { type: 'ispu', ispu };
  }

  #alert(kind: string, station: string, rule: string, payload: Buffer | string): Change | undefined {
    const id = `${kind}/${station}/${rule}`;
    // An empty retained payload ends the alert (MQTT retained-message deletion).
    if (payload.length === 0) {
      if (!this.#alerts.delete(id)) return undefined;
      return { type: 'alert_removed', id };
    }
    const parsed = AlertSchema.safeParse(parseJson(payload));
    if (!parsed.success) return undefined;
    // The topic is the authority for the identity: a payload cannot pose as another station's alert.
    const alert: Alert = { ...parsed.data, id, kind, station, rule };
    if (alert.state === 'cleared') {
      this.#alerts.delete(id);
      this.#cleared = [alert, ...this.#cleared.filter((a) => a.id !== id)].slice(0, this.#keepCleared);
    } else {
      this.#alerts.set(id, alert);
      this.#cleared = this.#cleared.filter((a) => a.id !== id);
    }
    return { type: 'alert', alert };
  }
}

const ATTRIBUTES = ['kind', 'name', 'district', 'operator', 'registered'] as const;
const sameAttributes = (a: Station, b: Station) => ATTRIBUTES.every((k) => a[k] === b[k]);
