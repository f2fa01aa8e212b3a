import { validValues } from '../../lib/aggregate/validity.ts';
import type { MaintenanceWindow } from '../../lib/qa/windows.ts';
import {
  type Ack,
  type Alert,
  type AlertEvent,
  alertLine,
  alertMqtt,
  type Effects,
  noEffects,
  type StationTags,
} from './alert.ts';
import { alertSourceText, type Detail, detail, wordAlert } from './alert-text.ts';
import {
  type AckResult,
  type EngineOptions,
  newStats,
  type Reading,
  type RegistryDevice,
} from './engine-types.ts';
import { createMuting } from './mute.ts';
import { findRuleType, ruleTypes } from './rules/registry.ts';
import {
  type AnyRuleType,
  alertId,
  type ReadingContext,
  type RuleBase,
  type RuleReading,
  type Verdict,
} from './rules/rule-type.ts';
import { type ActiveAlert, type EngineSnapshot, type StoredSnapshot, savedStates } from './snapshot.ts';
import { acknowledgedAlert, clearedAlert, raisedAlert } from './transitions.ts';

export type { AckResult, EngineOptions, EngineStats, Reading, RegistryDevice } from './engine-types.ts';
export type { EngineSnapshot, StoredSnapshot } from './snapshot.ts';

/** One (rule, station): the rule as built for the station, its type and its state. */
type RuleState = { rule: RuleBase; type: AnyRuleType; station: string; state: unknown };

type Raise = Verdict & { action: 'raise' };
type Clear = { value: number; detail: Detail };

const carries = (rule: RuleBase, reading: RuleReading) => reading.values[rule.parameter] !== undefined;

/**
 * The alert engine: readings in, transitions out (MQTT messages, InfluxDB lines, notification events).
 * Pure apart from the clock passed in; one active alert per `<kind>/<station>/<rule>` id. What each
 * rule says is up to its type (flows/core/rules/); the engine owns the alerts and their lifecycle.
 */
export function createEngine(options: EngineOptions) {
  const { rules } = options;
  const active = new Map<string, ActiveAlert>();
  const states = new Map<string, RuleState>();
  /** The states whose type runs on the tick (staleness), so a tick skips the rest. */
  const ticking = new Map<string, RuleState>();
  const tags = new Map<string, StationTags>();
  /** Station -> kind of the registry's devices that are not revoked; undefined until `setRegistry`. */
  let registered: Map<string, string> | undefined;
  let alertsDirty = false;
  const counters = Object.fromEntries(ruleTypes.flatMap((t) => t.counters ?? []).map((c) => [c, 0]));
  const stats = newStats(counters);
  const muting = createMuting();

  const typeOf = (rule: RuleBase) => {
    const type = findRuleType(rule.ruleType);
    if (type) return type;
    throw new Error(`rule ${rule.id}: no rule type "${rule.ruleType}"`);
  };

  function emit(out: Effects, alert: Alert, event: AlertEvent['event'], at: number) {
    if (event !== 'escalated') {
      wordAlert(alert, options.language);
      out.mqtt.push(...alertMqtt(alert));
      stats.transitions++;
      alertsDirty = true;
    }
    // Every transition is a point, escalations too: the console's alert history folds them into episodes.
    const standard = alertSourceText(alert, options.language);
    const entry = active.get(alert.id);
    out.lines.push(alertLine(alert, at, tags.get(alert.station) ?? {}, { event, standard, entry }));
    out.events.push({ event, alert, at });
    if (alert.muted) stats.mutedTransitions++;
  }

  /** `at`: when the verdict's data is from (device time of a reading; the clock on the tick). */
  function raise(out: Effects, rule: RuleBase, station: string, v: Raise, now: number, at: number) {
    const id = alertId(rule, station);
    if (active.has(id)) return;
    const alert = raisedAlert(id, rule, station, v, now);
    if (muting.covers(station, rule.parameter, at)) alert.muted = true;
    active.set(id, { alert });
    emit(out, alert, 'raised', now);
  }

  function clear(out: Effects, rule: RuleBase, id: string, v: Clear, now: number) {
    const entry = active.get(id);
    if (!entry) return;
    // Muted or not as its raise was: whoever was told of the raise hears of the clear.
    const alert = clearedAlert(entry.alert, rule, v, now);
    emit(out, alert, 'cleared', now);
    active.delete(id);
  }

  function apply(out: Effects, rule: RuleBase, station: string, v: Verdict, now: number, at: number) {
    if (v.action === 'raise') raise(out, rule, station, v, now, at);
    else if (v.action === 'clear') clear(out, rule, alertId(rule, station), v, now);
  }

  /**
   * A muted alert still active once its window is over (by `at`, as for muting) is unmuted: republished
   * without `muted`, and, unless someone acknowledged it meanwhile, raised again for the notifications
   * (same `raised_at`): the condition outlasted the maintenance, so someone must hear of it now.
   */
  function unmute(out: Effects, rule: RuleBase, station: string, id: string, now: number, at: number) {
    const entry = active.get(id);
    if (!entry?.alert.muted || muting.covers(station, rule.parameter, at)) return;
    const { muted: _, ...alert } = entry.alert;
    entry.alert = alert;
    entry.unmutedAt = now;
    if (alert.state === 'raised') return emit(out, alert, 'raised', now);
    out.mqtt.push(...alertMqtt(alert));
    alertsDirty = true;
  }

  /** Whether a type that watches registered stations judges this station (always, without a registry). */
  const watched = (type: AnyRuleType, kind: string, station: string) =>
    !type.watchRegistered || registered === undefined || registered.get(station) === kind;

  function track(id: string, entry: RuleState) {
    states.set(id, entry);
    if (entry.type.onTick) ticking.set(id, entry);
  }

  function onReading(reading: Reading, now: number): Effects {
    const out = noEffects();
    stats.readings++;
    const { kind, station } = reading;
    if (reading.tags) tags.set(station, reading.tags);
    const checked = validValues(reading.values, reading.validity);
    stats.invalidValues += checked.skipped;
    const judged = checked.skipped > 0 ? { ...reading, values: checked.values } : reading;
    const ctx: ReadingContext = {
      station,
      now,
      active: false,
      tags: tags.get(station) ?? {},
      effects: out,
      count: (counter) => {
        stats[counter] = (stats[counter] as number) + 1;
      },
    };
    for (const rule of rules.forStation(kind, station)) {
      const type = typeOf(rule);
      const r = type.keepsInvalid ? reading : judged;
      if (!(type.concerns ?? carries)(rule, r) || !watched(type, kind, station)) continue;
      const id = alertId(rule, station);
      let entry = states.get(id);
      if (!entry) {
        entry = { rule, type, station, state: type.initialState(rule) };
        track(id, entry);
      }
      ctx.active = active.has(id);
      apply(out, rule, station, type.onReading(rule, entry.state, r, ctx), now, reading.ts);
      unmute(out, rule, station, id, now, reading.ts);
    }
    return out;
  }

  /**
   * The registry's devices, at start and on every change: types that watch registered stations
   * (staleness) watch each one not revoked from `now`, reported or not, and stop watching (clearing
   * their alerts) a station revoked or removed. Never called: the stations heard from are watched.
   */
  function setRegistry(devices: readonly RegistryDevice[], now: number): Effects {
    const out = noEffects();
    registered = new Map(devices.filter((d) => !d.revoked).map((d) => [d.id, d.kind]));
    for (const [id, entry] of states) {
      if (watched(entry.type, entry.rule.kind, entry.station)) continue;
      states.delete(id);
      ticking.delete(id);
    }
    for (const [id, { alert }] of active) {
      const type = findRuleType(alert.rule_type);
      if (!type || watched(type, alert.kind, alert.station)) continue;
      const rule = rules.forStation(alert.kind, alert.station).find((r) => r.id === alert.rule);
      if (rule) clear(out, rule, id, { value: alert.value, detail: detail.noLongerRegistered() }, now);
    }
    for (const [station, kind] of registered) {
      for (const rule of rules.forStation(kind, station)) {
        const type = typeOf(rule);
        const id = alertId(rule, station);
        if (type.watchRegistered && !states.has(id)) {
          track(id, { rule, type, station, state: type.watchRegistered(rule, now) });
        }
      }
    }
    return out;
  }

  /** Rules that watch time (stale sensors), then escalation; run every FLOWS_TICK_MS on the wall clock. */
  function onTick(now: number): Effects {
    const out = noEffects();
    for (const [id, { rule, type, station, state }] of ticking) {
      const verdict = type.onTick?.(rule, state, { station, now, active: active.has(id) });
      if (verdict) apply(out, rule, station, verdict, now, now);
      unmute(out, rule, station, id, now, now);
    }
    for (const entry of active.values()) {
      const { alert } = entry;
      if (alert.state !== 'raised' || entry.escalatedAt !== undefined || alert.muted) continue;
      const rule = rules.forStation(alert.kind, alert.station).find((r) => r.id === alert.rule);
      // No escalation while the station is serviced; after a window, counted from the unmute.
      if (rule && muting.covers(alert.station, rule.parameter, now)) continue;
      const after = rule?.escalateAfterMs ?? options.escalateAfterMs;
      const since = Math.max(Date.parse(alert.raised_at), entry.unmutedAt ?? 0);
      if (after > 0 && now - since >= after) {
        entry.escalatedAt = now;
        alertsDirty = true;
        emit(out, alert, 'escalated', now);
      }
    }
    return out;
  }

  /** The maintenance windows (records database), at start and on every change. */
  function setMaintenance(windows: readonly MaintenanceWindow[]) {
    muting.set(windows);
    stats.maintenanceWindows = muting.count;
  }

  function acknowledge(id: string, ack: Ack, now: number): AckResult {
    const out = noEffects();
    const entry = active.get(id);
    if (!entry) return { status: 'not_found', effects: out };
    if (entry.alert.state === 'acknowledged') {
      return { status: 'already_acknowledged', alert: entry.alert, effects: out };
    }
    const alert = acknowledgedAlert(entry.alert, ack.by, now);
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
    const byType: EngineSnapshot['rules'] = {};
    for (const [id, { rule, type, state }] of states) {
      byType[rule.ruleType] ??= {};
      (byType[rule.ruleType] as Record<string, unknown>)[id] = type.snapshot(state);
    }
    return { version: 2, alerts: [...active.values()], tags: Object.fromEntries(tags), rules: byType };
  }

  /** Restores a snapshot of either version; `now` is the restart time (stale rules give a grace period). */
  function restore(s: StoredSnapshot, now: number) {
    for (const a of s.alerts ?? []) active.set(a.alert.id, a);
    for (const [k, v] of Object.entries(s.tags ?? {})) tags.set(k, v);
    for (const { rule, type, station, saved } of savedStates(s, rules)) {
      track(alertId(rule, station), { rule, type, station, state: type.restore(saved, now) });
    }
  }

  return {
    onReading,
    onTick,
    setRegistry,
    setMaintenance,
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
