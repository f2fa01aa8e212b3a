import type { Alert, Effects, StationTags } from './alert.ts';

/** What the engine takes and answers (engine.ts re-exports them). */

export type Reading = {
  kind: string;
  station: string;
  ts: number;
  values: Record<string, number>;
  tags?: StationTags | undefined;
};

/** A device of the registry as the engine needs it (lib/registry `Device`). */
export type RegistryDevice = { id: string; kind: string; revoked?: boolean | undefined };

export type EngineStats = { readings: number; transitions: number; mqttConnected: boolean } & Record<
  string,
  number | boolean
>;

export type AckResult =
  | { status: 'acknowledged'; alert: Alert; effects: Effects }
  | { status: 'not_found' | 'already_acknowledged'; alert?: Alert; effects: Effects };
