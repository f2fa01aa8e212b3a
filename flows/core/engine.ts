import type { Pollutant } from '../../lib/standards/index.ts';
import {
  type Ack,
  type Alert,
  type AlertEvent,
  alertLine,
  alertMqtt,
  type Effects,
  ispuLine,
  ispuMqtt,
  noEffects,
  type StationTags,
} from './alert.ts';
import {
  evalMean,
  evalRate,
  evalThreshold,
  fmt,
  type MeanState,
  type RateState,
  type ThresholdState,
  type Verdict,
} from './evaluators.ts';
import { type IspuStationState, ispuOnReading, newIspuState } from './ispu-station.ts';
import type { Rule } from './rule-types.ts';
import type { RuleSet } from './rules-build.ts';

export type Reading = {
  kind: string;
  station: string;
  ts: number;
  values: Record<string, number>;
  tags?: StationTags | undefined;
};

type ActiveAlert = { alert: Alert; escalatedAt?: number | undefined };

export type EngineSnapshot = {
  version: 1;
  alerts: ActiveAlert[];
  thresholds: Record<string, ThresholdState>;
  means: Record<string, MeanState>;
  rates: Record<string, RateState>;
  ispu: Record<string, IspuStationState>;
  lastHeard: Record<string, number>;
  tags: Record<string, StationTags>;
};

export type EngineOptions = {
  rules: RuleSet;
  ispuTables: Map<string, Pollutant>;
  /** Escalate unacknowledged alerts after this long unless the rule says otherwise (0 = never). */
  escalateAfterMs: number;
};

export type AckResult =
  | { status: 'acknowledged'; alert: Alert; effects: Effects }
  | { status: 'not_found' | 'already_acknowledged'; alert?: Alert; effects: Effects };

/**
 * The alert engine: readings in, transitions out (MQTT messages, InfluxDB lines, notification events).
 * Pure apart from the clock passed in; one active alert per `<kind>/<station>/<rule>` id.
 */
export function createEngine(options: EngineOptions) {
  const { rules } = options;
  const active = new Map<string, ActiveAlert>();
  const thresholds = new Map<string, ThresholdState>();
  const means = new Map<string, MeanState>();
  const rates = new Map<string, RateState>();
  const ispu = new Map<string, IspuStationState>();
  const lastHeard = new Map<string, number>();
  const tags = new Map<string, StationTags>();
  let alertsDirty = false;
  const stats = { readings: 0, transitions: 0, ispu: 0, mqttConnected: false };

  const iso = (ms: number) => new Date(ms).toISOString();

  function emit(out: Effects, alert: Alert, event: AlertEvent['event'], at: number) {
    const t = tags.get(alert.station) ?? {};
    if (event !== 'escalated') {
      out.mqtt.push(...alertMqtt(alert));
      out.lines.push(alertLine(alert, at, t));
      stats.transitions++;
      alertsDirty = true;
    }
    out.events.push({ event, alert, at });
  }

  function raise(
    out: Effects,
    rule: Rule,
    station: string,
    v: Extract<Verdict, { value: number }>,
    now: number,
    severity = rule.severity,
  ) {
    const id = `${rule.kind}/${station}/${rule.id}`;
    if (active.has(id)) return;
    const alert: Alert = {
      id,
      kind: rule.kind,
      station,
      rule: rule.id,
      rule_type: rule.ruleType,
      parameter: rule.parameter,
      state: 'raised',
      severity,
      message: `${station}: ${rule.parameter} ${v.detail} (${rule.id}; ${rule.source})`,
      value: round(v.value),
      limit: v.limit,
      unit: rule.unit,
      provisional: rule.provisional,
      raised_at: iso(now),
    };
    if (rule.averaging) alert.averaging = rule.averaging;
    active.set(id, { alert });
    emit(out, alert, 'raised', now);
  }

  function clear(out: Effects, id: string, value: number, now: number) {
    const entry = active.get(id);
    if (!entry) return;
    active.delete(id);
    const alert: Alert = { ...entry.alert, state: 'cleared', value: round(value), cleared_at: iso(now) };
    emit(out, alert, 'cleared', now);
  }

  function apply(out: Effects, rule: Rule, station: string, v: Verdict, now: number) {
    if (v.action === 'raise') raise(out, rule, station, v, now);
    else if (v.action === 'clear') clear(out, `${rule.kind}/${station}/${rule.id}`, v.value, now);
  }

  function state<T>(map: Map<string, T>, key: string, init: () => T): T {
    let s = map.get(key);
    if (!s) {
      s = init();
      map.set(key, s);
    }
    return s;
  }

  function onReading(reading: Reading, now: number): Effects {
    const out = noEffects();
    stats.readings++;
    const { kind, station, ts, values } = reading;
    if (reading.tags) tags.set(station, reading.tags);
    for (const field of Object.keys(values)) {
      const key = `${kind}/${station}/${field}`;
      // Arrival time, not device time: a late reading still proves the sensor talks.
      if ((lastHeard.get(key) ?? 0) < now) lastHeard.set(key, now);
    }
    for (const rule of rules.forStation(kind, station)) {
      const id = `${kind}/${station}/${rule.id}`;
      const isActive = active.has(id);
      if (rule.eval === 'stale') {
        if (isActive && values[rule.parameter] !== undefined) {
          clear(out, id, 0, now);
        }
        continue;
      }
      if (rule.eval === 'ispu') {
        const result = ispuOnReading(
          rule,
          options.ispuTables,
          state(ispu, `${kind}/${station}`, newIspuState),
          ts,
          values,
        );
        if (!result) continue;
        stats.ispu++;
        const t = tags.get(station) ?? {};
        out.mqtt.push(ispuMqtt(station, result, t));
        out.lines.push(ispuLine(station, result, t));
        const detail = `station ISPU ${result.ispu} (${result.category}, dominant ${result.dominant})`;
        if (!isActive && result.ispu > rule.raiseAbove) {
          const severity = result.ispu > rule.criticalAbove ? 'critical' : rule.severity;
          raise(
            out,
            rule,
            station,
            { action: 'raise', value: result.ispu, limit: rule.raiseAbove, detail },
            now,
            severity,
          );
        } else if (isActive && result.ispu <= rule.raiseAbove) {
          clear(out, id, result.ispu, now);
        }
        continue;
      }
      const value = values[rule.parameter];
      if (value === undefined) continue;
      let verdict: Verdict;
      if (rule.eval === 'threshold') {
        verdict = evalThreshold(
          rule,
          state(thresholds, id, () => ({ lastTs: -Infinity })),
          ts,
          value,
          isActive,
        );
      } else if (rule.eval === 'mean') {
        verdict = evalMean(
          rule,
          state(means, id, () => ({ latest: 0, buckets: {} })),
          ts,
          value,
          isActive,
        );
      } else {
        verdict = evalRate(
          rule,
          state(rates, id, () => ({ buckets: [] })),
          ts,
          value,
          isActive,
        );
      }
      apply(out, rule, station, verdict, now);
    }
    return out;
  }

  /** Stale sensors and escalation; run every FLOWS_TICK_MS on the wall clock. */
  function onTick(now: number): Effects {
    const out = noEffects();
    for (const [key, heard] of lastHeard) {
      const [kind = '', station = '', field = ''] = key.split('/');
      for (const rule of rules.forStation(kind, station)) {
        if (rule.eval !== 'stale' || rule.parameter !== field) continue;
        const afterMs = rule.factor * rule.expectedIntervalMs;
        const silent = now - heard;
        if (silent > afterMs) {
          raise(
            out,
            rule,
            station,
            {
              action: 'raise',
              value: silent / 1000,
              limit: afterMs / 1000,
              detail: `silent for ${fmt(silent / 1000)} s (limit ${fmt(afterMs / 1000)} s)`,
            },
            now,
          );
        }
      }
    }
    for (const entry of active.values()) {
      const { alert } = entry;
      if (alert.state !== 'raised' || entry.escalatedAt !== undefined) continue;
      const rule = rules.forStation(alert.kind, alert.station).find((r) => r.id === alert.rule);
      const after = rule?.escalateAfterMs ?? options.escalateAfterMs;
      if (after > 0 && now - Date.parse(alert.raised_at) >= after) {
        entry.escalatedAt = now;
        alertsDirty = true;
        emit(out, alert, 'escalated', now);
      }
    }
    return out;
  }

  function acknowledge(id: string, ack: Ack, now: number): AckResult {
    const out = noEffects();
    const entry = active.get(id);
    if (!entry) return { status: 'not_found', effects: out };
    if (entry.alert.state === 'acknowledged') {
      return { status: 'already_acknowledged', alert: entry.alert, effects: out };
    }
    const alert: Alert = {
      ...entry.alert,
      state: 'acknowledged',
      acknowledged_by: ack.by,
      acknowledged_at: iso(now),
    };
    if (ack.comment) alert.comment = ack.comment;
    entry.alert = alert;
    emit(out, alert, 'acknowledged', now);
    return { status: 'acknowledged', alert, effects: out };
  }

  /** Every active alert again, retained: after a restart the broker may have lost its retained set. */
  function republish(): Effects {
    const out = noEffects();
    for (const { alert } of active.values()) out.mqtt.push(...alertMqtt(alert));
    return out;
  }

  function snapshot(): EngineSnapshot {
    return {
      version: 1,
      alerts: [...active.values()],
      thresholds: Object.fromEntries(thresholds),
      means: Object.fromEntries(means),
      rates: Object.fromEntries(rates),
      ispu: Object.fromEntries(ispu),
      lastHeard: Object.fromEntries(lastHeard),
      tags: Object.fromEntries(tags),
    };
  }

  /** Restores a snapshot; `now` gives every known sensor a fresh grace period (no stale storm on start). */
  function restore(s: Partial<EngineSnapshot>, now: number) {
    for (const a of s.alerts ?? []) active.set(a.alert.id, a);
    const fill = <T>(map: Map<string, T>, rec: Record<string, T> | undefined) => {
      for (const [k, v] of Object.entries(rec ?? {})) map.set(k, v);
    };
    fill(thresholds, s.thresholds);
    fill(means, s.means);
    fill(rates, s.rates);
    fill(ispu, s.ispu);
    fill(tags, s.tags);
    for (const [k, v] of Object.entries(s.lastHeard ?? {})) lastHeard.set(k, Math.max(v, now));
  }

  return {
    onReading,
    onTick,
    acknowledge,
    republish,
    snapshot,
    restore,
    stats,
    activeAlerts: () => [...active.values()].map((a) => a.alert),
    get(id: string) {
      return active.get(id)?.alert;
    },
    /** True once since the last call when an alert changed (persist then). */
    takeAlertsDirty() {
      const d = alertsDirty;
      alertsDirty = false;
      return d;
    },
  };
}

export type Engine = ReturnType<typeof createEngine>;

const round = (n: number) => Math.round(n * 1000) / 1000;
