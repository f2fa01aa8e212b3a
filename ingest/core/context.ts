import type { KindSpec } from '../../lib/catalogue/index.ts';
import type { TimeBounds } from './timestamps.ts';

export type StationInfo = { kind: string; tags: Record<string, string> };

export type DecodeContext = {
  now: number;
  time: TimeBounds;
  maxPayloadBytes: number;
  /**
   * The station registry. When given, a station it does not list (or lists under another kind) is
   * rejected; when undefined, any well-formed station id is accepted without registry tags.
   */
  lookupStation?: (station: string) => StationInfo | undefined;
};

/**
 * Where a payload goes: the kind and station come from the topic, never from the payload. The broker
 * ACL proved the device owns `sensors/<kind>/<station>`; ids inside a payload (a SenML base name, a
 * Sensor.Community chip id) are only what the device says about itself.
 */
export type Target = { kind: KindSpec; station: string; tags: Record<string, string> };
