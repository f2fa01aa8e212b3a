import { findKind, KIND_ID_PATTERN, STATION_ID_PATTERN } from './index.ts';

/** The topic contract (../../README.md "Topics"). Every component builds and parses topics here. */
export const topics = {
  reading: (kind: string, station: string) => `sensors/${kind}/${station}`,
  status: (kind: string, station: string) => `sensors/${kind}/${station}/status`,
  normalized: (kind: string, station: string) => `readings/${kind}/${station}`,
  rejected: (kind: string, station: string) => `ingest/rejected/${kind}/${station}`,
  alert: (kind: string, station: string, rule: string) => `alerts/${kind}/${station}/${rule}`,
  command: (station: string) => `cmd/${station}`,
} as const;

export type SensorTopic = { kind: string; station: string; status: boolean };

/**
 * Parses `sensors/<kind>/<station>[/status]`. Returns undefined for anything else, including ids that
 * break the id patterns: such a topic can never be a valid station's, whatever the registry says.
 */
export function parseSensorTopic(topic: string): SensorTopic | undefined {
  const parts = topic.split('/');
  if (parts[0] !== 'sensors' || parts.length < 3 || parts.length > 4) return undefined;
  const [, kind = '', station = '', last] = parts;
  if (parts.length === 4 && last !== 'status') return undefined;
  if (!KIND_ID_PATTERN.test(kind) || !STATION_ID_PATTERN.test(station)) return undefined;
  return { kind, station, status: parts.length === 4 };
}

export function isKnownKind(kind: string): boolean {
  return findKind(kind) !== undefined;
}
