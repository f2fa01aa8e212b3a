import type { Severity } from './rule-schema.ts';

/** A rule after build: every number resolved, every name checked against the catalogue. */
export type RuleBase = {
  id: string;
  /** The contract's rule_type: threshold, compliance, mean, rate, stale or ispu. */
  ruleType: 'threshold' | 'compliance' | 'mean' | 'rate' | 'stale' | 'ispu';
  kind: string;
  parameter: string;
  unit: string;
  severity: Severity;
  enabled: boolean;
  /** The limit's standards confidence is "recalled": show the alert as provisional. */
  provisional: boolean;
  /** Where the number comes from (standard title, or "local"). */
  source: string;
  averaging?: string | undefined;
  escalateAfterMs?: number | undefined;
};

export type ThresholdRule = RuleBase & {
  eval: 'threshold';
  max?: number | undefined;
  min?: number | undefined;
  deadband: number;
  minDurationMs: number;
};

export type MeanRule = RuleBase & {
  eval: 'mean';
  max: number;
  deadband: number;
  windowMs: number;
  minCoverage: number;
};

export type RateRule = RuleBase & {
  eval: 'rate';
  change: number;
  direction: 'fall' | 'rise';
  windowMs: number;
  deadband: number;
};

export type StaleRule = RuleBase & {
  eval: 'stale';
  factor: number;
  expectedIntervalMs: number;
};

export type IspuPollutantRule = {
  parameter: string;
  windowMs: number;
  averaging: string;
  /** undefined = hourly; otherwise the local hours at which the sub-index is refreshed. */
  hours?: readonly number[] | undefined;
};

export type IspuRule = RuleBase & {
  eval: 'ispu';
  pollutants: IspuPollutantRule[];
  utcOffsetMs: number;
  minCoverage: number;
  raiseAbove: number;
  criticalAbove: number;
};

export type Rule = ThresholdRule | MeanRule | RateRule | StaleRule | IspuRule;
