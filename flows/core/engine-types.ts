import type { Language } from '../../lib/i18n/index.ts';
import type { Alert, Effects, StationTags } from './alert.ts';
import type { RuleSet } from './rules-build.ts';

/** A normalized reading as the flows receive it (`readings/<kind>/<station>`). */
export type Reading = {
  kind: string;
  station: string;
  ts: number;
  values: Record<string, number>;
  /**
   * The ingest's validity code per field (0 valid; lib/aggregate/validity.ts says which codes leave a
   * value out). Absent, or a field absent from it: valid.
   */
  validity?: Record<string, unknown> | undefined;
  tags?: StationTags | undefined;
};

/** A device of the registry as the engine needs it (lib/registry `Device`). */
export type RegistryDevice = { id: string; kind: string; revoked?: boolean | undefined };

export type EngineOptions = {
  rules: RuleSet;
  /** Escalate unacknowledged alerts after this long unless the rule says otherwise (0 = never). */
  escalateAfterMs: number;
  /** The language of alert messages (FLOWS_LANGUAGE); default Indonesian. */
  language?: Language | undefined;
};

export type EngineStats = {
  readings: number;
  transitions: number;
  mqttConnected: boolean;
  /** Values left out because the ingest flagged them invalid. */
  invalidValues: number;
  /** Transitions made while their station was in a maintenance window (shown, not notified). */
  mutedTransitions: number;
  /** Maintenance windows the engine knows (from the records database). */
  maintenanceWindows: number;
} & Record<string, number | boolean>;

export const newStats = (counters: Record<string, number>): EngineStats => ({
  readings: 0,
  transitions: 0,
  ...counters,
  mqttConnected: false,
  invalidValues: 0,
  mutedTransitions: 0,
  maintenanceWindows: 0,
});

export type AckResult =
  | { status: 'acknowledged'; alert: Alert; effects: Effects }
  | { status: 'not_found' | 'already_acknowledged'; alert?: Alert; effects: Effects };
