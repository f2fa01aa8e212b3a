import type { ServiceRole } from '../lib/registry/schema.ts';
import { filterCovers, topicMatches } from './topic-filter.ts';

/** Who is on the other end of a connection, after authentication. */
export type Identity =
  | { type: 'device'; id: string; kind: string }
  | { type: 'service'; username: string; role: ServiceRole };

type Rules = { publish: readonly string[]; subscribe: readonly string[] };

/**
 * The ACL as data. Device rules use {kind} and {id}; everything not listed is refused.
 * Topic contract: README.md "Topics".
 */
export const DEVICE_RULES: Rules = {
  publish: ['sensors/{kind}/{id}', 'sensors/{kind}/{id}/status'],
  subscribe: ['cmd/{id}'],
};

export const SERVICE_RULES: Record<ServiceRole, Rules> = {
  ingest: {
    publish: ['readings/#', 'ingest/rejected/#'],
    subscribe: ['sensors/#'],
  },
  flows: {
    publish: ['alerts/#', 'readings/ispu/#'],
    subscribe: ['readings/#', 'alerts/#', 'sensors/+/+/status'],
  },
  dashboard: {
    publish: [],
    subscribe: ['readings/#', 'alerts/#', 'sensors/+/+/status', 'ingest/rejected/#'],
  },
  // Operators acknowledge alerts over MQTT: alerts/<kind>/<station>/<rule>/ack.
  operator: {
    publish: ['alerts/+/+/+/ack'],
    subscribe: ['readings/#', 'alerts/#'],
  },
};

function rulesFor(identity: Identity): Rules {
  if (identity.type === 'service') return SERVICE_RULES[identity.role];
  const fill = (pattern: string) =>
    pattern.replaceAll('{kind}', identity.kind).replaceAll('{id}', identity.id);
  return { publish: DEVICE_RULES.publish.map(fill), subscribe: DEVICE_RULES.subscribe.map(fill) };
}

const cache = new WeakMap<Identity, Rules>();
function cachedRules(identity: Identity): Rules {
  let rules = cache.get(identity);
  if (!rules) {
    rules = rulesFor(identity);
    cache.set(identity, rules);
  }
  return rules;
}

const hasWildcard = (filter: string) => filter.includes('+') || filter.includes('#');

export function canPublish(identity: Identity, topic: string): boolean {
  if (topic.startsWith('$')) return false;
  // Hot path (every PUBLISH): a literal rule is a string comparison, no split.
  return cachedRules(identity).publish.some(
    (filter) => filter === topic || (hasWildcard(filter) && topicMatches(filter, topic)),
  );
}

export function canSubscribe(identity: Identity, filter: string): boolean {
  return cachedRules(identity).subscribe.some((allowed) => filterCovers(allowed, filter));
}
