import type { z } from 'zod';
import type { KindSpec } from '../../../lib/catalogue/index.ts';
import type { ResolvedLimit, StandardsFile } from '../../../lib/standards/index.ts';
import type { Effects, StationTags } from '../alert.ts';
import type { AlertSource, Detail } from '../alert-text.ts';
import type { CommonSpec, Severity } from './common.ts';

/** A rule after build: every number resolved, every name checked against the catalogue. */
export type RuleBase = {
  id: string;
  /** The rule type's name (rules.json `type`), also the alert's `rule_type`. */
  ruleType: string;
  kind: string;
  parameter: string;
  unit: string;
  severity: Severity;
  enabled: boolean;
  /** The limit's standards confidence is "recalled": show the alert as provisional. */
  provisional: boolean;
  /** Where the number comes from: a standard (`standard`), a local number, the catalogue's interval. */
  source: AlertSource;
  /** The standards.json id the limit comes from (also when overridden locally). */
  standard?: string | undefined;
  averaging?: string | undefined;
  escalateAfterMs?: number | undefined;
};

/**
 * What a rule says about one (rule, station): raise, clear or hold. Rules never create or remove
 * alerts: the engine does, so an alert stays unique per (station, rule) whatever a rule says.
 */
export type Verdict =
  | { action: 'hold' }
  | {
      action: 'raise';
      value: number;
      limit: number;
      detail: Detail;
      severity?: Severity | undefined;
      /** The unit of value and limit when it is not the parameter's (staleness: seconds). */
      unit?: string | undefined;
    }
  | { action: 'clear'; value: number; limit: number; detail: Detail };

export const HOLD: Verdict = { action: 'hold' };

export type BuildContext = {
  /** The catalogue entry of the spec's kind (already checked to exist). */
  kind: KindSpec;
  standards: StandardsFile;
  /** The kind's expected reporting interval: the override file's, else the catalogue's. */
  expectedIntervalS: number;
  /** What every rule built from the spec shares (kind, severity, enabled, escalation). */
  base: Pick<RuleBase, 'kind' | 'severity' | 'enabled' | 'escalateAfterMs'>;
  /** The catalogue field; throws a RulesError naming the rule when the kind has no such field. */
  field(name: string): { unit: string };
  /** Exactly one limit of a standard in the field's catalogue unit; throws a RulesError otherwise. */
  limit(standard: string, parameter: string, bound: 'min' | 'max', averaging?: string): ResolvedLimit;
  /** A RulesError naming the rule, to throw. */
  fail(message: string): Error;
};

export type RuleReading = { ts: number; values: Record<string, number> };

export type ReadingContext = {
  station: string;
  /** Arrival time (the engine's clock); `reading.ts` is device time. */
  now: number;
  /** An alert is active for this (rule, station). */
  active: boolean;
  tags: StationTags;
  /** Outputs besides alert transitions (the ISPU value); alert transitions come from the verdict. */
  effects: Effects;
  /** Counts an event in the engine's status counters (declared in `counters`). */
  count(counter: string): void;
};

type TickContext = { station: string; now: number; active: boolean };

/**
 * One rule type: its entry in rules.json, how it is built from the standards, and how it judges
 * readings and time. State is per (rule, station), created on the first reading the rule concerns,
 * and must survive `JSON.stringify` through `snapshot` and `restore` (the state file).
 */
export type RuleType<Spec extends CommonSpec, Rule extends RuleBase, State, Patch extends object> = {
  /** The rules.json `type` and the alert's `rule_type`. */
  type: string;
  /** The rules.json entry; its `type` is `z.literal(type)`. */
  schema: z.ZodType<Spec>;
  /** One spec may yield several rules (one per parameter of a standard, one per watched field). */
  build(spec: Spec, ctx: BuildContext): Rule[];
  /** What the override file may change on a built rule of this type, and how. */
  patch?: {
    schema: z.ZodObject<z.ZodRawShape>;
    apply(rule: Rule, patch: Patch, ctx: { expectedIntervalS?: number | undefined }): void;
  };
  /** Status counters this type increments (`/api/status`). */
  counters?: readonly string[];
  /**
   * Judges values the ingest flagged invalid too (staleness: a flagged value still proves the sensor
   * talks). Every other type sees a reading without them (lib/aggregate/validity.ts).
   */
  keepsInvalid?: boolean;
  /** Whether a reading concerns the rule; default: it carries the rule's parameter. */
  concerns?(rule: Rule, reading: RuleReading): boolean;
  initialState(rule: Rule): State;
  onReading(rule: Rule, state: State, reading: RuleReading, ctx: ReadingContext): Verdict;
  /** Run every tick on the wall clock (staleness); most types need none. */
  onTick?(rule: Rule, state: State, ctx: TickContext): Verdict;
  /**
   * A type that watches every registered station, heard from or not (staleness). Once the engine has
   * the registry (`setRegistry`), such a type has state for exactly the registered stations: this is
   * the state of one watched from `since` and not heard from yet. Readings of other stations are not
   * judged by it, and its alerts clear when the station leaves the registry.
   */
  watchRegistered?(rule: Rule, since: number): State;
  snapshot(state: State): unknown;
  /** `now` is the restart time (a type may grant a grace period). */
  restore(saved: unknown, now: number): State;
  /** Where a version-1 state file kept this type's state (snapshot.ts); none for types added since. */
  v1?: V1Place<Rule>;
};

type V1Place<Rule extends RuleBase> = {
  /** The top-level field (`thresholds`, `means`, ...). */
  section: string;
  key(rule: Rule, station: string): string;
  /** Converts the saved value to this type's state; default: as it is. */
  state?(saved: unknown): unknown;
};

/** A rule type with its types erased, as the registry and the engine hold it. */
export type AnyRuleType = RuleType<CommonSpec, RuleBase, unknown, object>;

/** Type-checks a rule type against its own types and erases them for the registry. */
export function defineRuleType<Spec extends CommonSpec, Rule extends RuleBase, State, Patch extends object>(
  t: RuleType<Spec, Rule, State, Patch>,
): AnyRuleType {
  return t as unknown as AnyRuleType;
}

/** State that is plain JSON already: saved and restored as it is. */
export const jsonState = {
  snapshot: <State>(state: State): unknown => state,
  restore: <State>(saved: unknown): State => saved as State,
};

export const alertId = (rule: RuleBase, station: string) => `${rule.kind}/${station}/${rule.id}`;
