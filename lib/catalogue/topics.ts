import { KIND_ID_PATTERN, STATION_ID_PATTERN } from './index.ts';

/**
 * The topic contract (../../README.md "Contracts"). Every component builds and parses topics here, and the
 * broker's ACL is made of these builders and filters.
 *
 *   sensors/<kind>/<station>               a device's reading           (device -> ingest)
 *   sensors/<kind>/<station>/status        online/offline, retained     (broker -> flows, console)
 *   readings/<kind>/<station>              a normalized reading         (ingest -> flows, console)
 *   readings/ispu/<station>                the station's ISPU           (flows -> console)
 *   ingest/rejected/<kind>/<station>       a dead letter                (ingest -> console)
 *   alerts/<kind>/<station>/<rule>         an alert, retained           (flows -> console)
 *   alerts/<kind>/<station>/<rule>/ack     an acknowledgement           (operator -> flows)
 *   cmd/<station>                          a command to a device
 */

/** A rule id is one level of an alert topic (the rule schema in flows holds rules to it). */
export const RULE_ID_PATTERN = /^[a-z0-9][a-z0-9_-]{0,63}$/;

/** `readings/ispu/<station>` carries the index flows compute, not a sensor kind's reading. */
export const ISPU = 'ispu';

// One topic level of a topic name: no separator (it would shift every level after it), no wildcard
// [MQTT-4.7.1-1], no U+0000 [MQTT-1.5.3-2]. Anything else is the caller's id to choose.
// biome-ignore lint/suspicious/noControlCharactersInRegex: refusing U+0000 is the point.
const NOT_ONE_LEVEL = /[/+#\u0000]/;

function level(value: string, what: string): string {
  if (value === '' || NOT_ONE_LEVEL.test(value))
    throw new TypeError(`topics: ${what} ${JSON.stringify(value)} is not one topic level`);
  return value;
}

function alert(kind: string, station: string, rule: string): string {
  return `alerts/${level(kind, 'kind')}/${level(station, 'station')}/${level(rule, 'rule')}`;
}

/**
 * Topic names. Each builder refuses an id that is not exactly one topic level (empty, or holding `/`,
 * `+`, `#`), so a built topic is never a filter and always has the levels its parser expects; which
 * ids are valid is the parsers' (and the registry's) business.
 */
export const topics = {
  reading: (kind: string, station: string) => `sensors/${level(kind, 'kind')}/${level(station, 'station')}`,
  status: (kind: string, station: string) =>
    `sensors/${level(kind, 'kind')}/${level(station, 'station')}/status`,
  normalized: (kind: string, station: string) =>
    `readings/${level(kind, 'kind')}/${level(station, 'station')}`,
  ispu: (station: string) => `readings/${ISPU}/${level(station, 'station')}`,
  rejected: (kind: string, station: string) =>
    `ingest/rejected/${level(kind, 'kind')}/${level(station, 'station')}`,
  alert,
  alertAck: (kind: string, station: string, rule: string) => `${alert(kind, station, rule)}/ack`,
  command: (station: string) => `cmd/${level(station, 'station')}`,
} as const;

/** Subscription filters, one per class of topic above (and the unions the ACL grants). */
export const filters = {
  /** Everything devices publish: readings and statuses. */
  sensors: 'sensors/#',
  /** Every device's readings (topics.reading), without the statuses. */
  readings: 'sensors/+/+',
  /** Every device's status (topics.status). */
  statuses: 'sensors/+/+/status',
  /** Normalized readings of every kind, the ISPU included. */
  normalized: 'readings/#',
  ispu: `readings/${ISPU}/#`,
  rejected: 'ingest/rejected/#',
  /** Alerts and their acknowledgements. */
  alerts: 'alerts/#',
  alertAcks: 'alerts/+/+/+/ack',
} as const;

/** The first levels of the contract's topics above: the pipeline's own, never an integration's to publish. */
export const PIPELINE_ROOTS = ['sensors', 'readings', 'ingest', 'alerts', 'cmd'] as const;
/** The first levels holding a device's own topics: what it publishes (sensors/) and its commands (cmd/). */
export const DEVICE_ROOTS = ['sensors', 'cmd'] as const;

/** Everything under a first level, the level itself included (`#` matches its parent, [MQTT-4.7.1-2]). */
export const underRoot = (root: string) => `${root}/#`;

// MQTT 3.1.1 topic matching (section 4.7): what the ACL and the integration accounts' patterns use.

/** Does filter `filter` match topic name `topic`? [MQTT-4.7.2-1]: wildcards at the first level never match `$` topics. */
export function topicMatches(filter: string, topic: string): boolean {
  if (topic.startsWith('$') && !filter.startsWith('$')) return false;
  const f = filter.split('/');
  const t = topic.split('/');
  for (let i = 0; i < f.length; i++) {
    const level = f[i];
    if (level === '#') return true;
    if (i >= t.length) return false;
    if (level !== '+' && level !== t[i]) return false;
  }
  return f.length === t.length;
}

/**
 * Is every topic that `inner` can match also matched by `outer`? A subscription is allowed when an
 * allowed filter covers it, so `sensors/air_quality/+` passes under `sensors/#` but `#` does not.
 */
export function filterCovers(outer: string, inner: string): boolean {
  if (inner.startsWith('$') !== outer.startsWith('$')) return false;
  const o = outer.split('/');
  const n = inner.split('/');
  for (let i = 0; i < o.length; i++) {
    const level = o[i];
    if (level === '#') return true;
    if (i >= n.length) return false;
    const sub = n[i];
    if (sub === '#') return false;
    if (level === '+') continue;
    if (sub === '+' || sub !== level) return false;
  }
  return o.length === n.length;
}

/** A valid subscription filter: `#` only last and alone in its level, `+` alone in its level [MQTT-4.7.1-2, 4.7.1-3]. */
export function isValidFilter(filter: string): boolean {
  if (filter.length === 0 || filter.length > 65535) return false;
  const levels = filter.split('/');
  return levels.every((level, i) => {
    if (level.includes('#')) return level === '#' && i === levels.length - 1;
    if (level.includes('+')) return level === '+';
    return true;
  });
}

/** The longest pattern an account may be given: far above any topic of the contract (under 200 bytes). */
export const MAX_PATTERN_LENGTH = 256;

/**
 * Why `pattern` cannot be an account's publish, subscribe or deny pattern, or undefined when it can:
 * a valid MQTT filter, not on a `$` topic (`$SYS` is the broker's), without U+0000 [MQTT-1.5.3-2].
 */
export function patternProblem(pattern: string): string | undefined {
  if (pattern.length > MAX_PATTERN_LENGTH) return `is longer than ${MAX_PATTERN_LENGTH} characters`;
  if (!isValidFilter(pattern))
    return 'is not a valid MQTT filter (`#` only last and alone, `+` alone in its level)';
  if (pattern.startsWith('$')) return "is a `$` topic (the broker's own, such as $SYS)";
  if (pattern.includes('\u0000')) return 'holds U+0000';
  return undefined;
}

/** The first level of a pattern: a root of the contract, or `+`/`#` when it may reach any of them. */
export const rootOf = (pattern: string) => pattern.split('/', 1)[0] ?? '';

export type ParsedTopic =
  | { type: 'reading' | 'status' | 'normalized' | 'rejected'; kind: string; station: string }
  | { type: 'ispu'; station: string }
  | { type: 'alert' | 'alert_ack'; kind: string; station: string; rule: string }
  | { type: 'command'; station: string };

const isKind = (kind: string | undefined): kind is string => KIND_ID_PATTERN.test(kind ?? '');
const isStation = (station: string | undefined): station is string => STATION_ID_PATTERN.test(station ?? '');
const isRule = (rule: string | undefined): rule is string => RULE_ID_PATTERN.test(rule ?? '');

/**
 * Which topic of the contract this is, with its ids; undefined for anything else, including ids that
 * break the id patterns: such a topic can never be a valid station's, whatever the registry says.
 * Whether the kind is in the catalogue is left to the caller (a kind may be registered at run time).
 */
export function parseTopic(topic: string): ParsedTopic | undefined {
  const [root, a, b, c, d, ...rest] = topic.split('/');
  if (rest.length > 0) return undefined;
  switch (root) {
    case 'sensors':
      if (!isKind(a) || !isStation(b) || d !== undefined) return undefined;
      if (c === undefined) return { type: 'reading', kind: a, station: b };
      return c === 'status' ? { type: 'status', kind: a, station: b } : undefined;
    case 'readings':
      if (c !== undefined || !isKind(a) || !isStation(b)) return undefined;
      return a === ISPU ? { type: 'ispu', station: b } : { type: 'normalized', kind: a, station: b };
    case 'ingest':
      if (a !== 'rejected' || d !== undefined || !isKind(b) || !isStation(c)) return undefined;
      return { type: 'rejected', kind: b, station: c };
    case 'alerts':
      if (!isKind(a) || !isStation(b) || !isRule(c)) return undefined;
      if (d === undefined) return { type: 'alert', kind: a, station: b, rule: c };
      return d === 'ack' ? { type: 'alert_ack', kind: a, station: b, rule: c } : undefined;
    case 'cmd':
      return b === undefined && isStation(a) ? { type: 'command', station: a } : undefined;
    default:
      return undefined;
  }
}

export type SensorTopic = { kind: string; station: string; status: boolean };

/** Parses `sensors/<kind>/<station>[/status]` (what a device publishes); undefined for anything else. */
export function parseSensorTopic(topic: string): SensorTopic | undefined {
  const parsed = parseTopic(topic);
  if (parsed?.type !== 'reading' && parsed?.type !== 'status') return undefined;
  return { kind: parsed.kind, station: parsed.station, status: parsed.type === 'status' };
}
