import { filters, topics } from '../lib/catalogue/topics.ts';
import type { ServiceRole } from '../lib/registry/schema.ts';
import { filterCovers, topicMatches } from './topic-filter.ts';

/** Who is on the other end of a connection, after authentication. */
export type Identity =
  | { type: 'device'; id: string; kind: string }
  | { type: 'service'; username: string; role: ServiceRole };

type Rules = { publish: readonly string[]; subscribe: readonly string[] };

/**
 * The ACL as data, made of the topic contract's builders and filters (lib/catalogue/topics.ts);
 * everything not listed is refused. A device publishes its own reading and status and subscribes to its
 * own commands; its ids come from the registry.
 */
export function deviceRules(kind: string, id: string): Rules {
  return { publish: [topics.reading(kind, id), topics.status(kind, id)], subscribe: [topics.command(id)] };
}

export const SERVICE_RULES: Record<ServiceRole, Rules> = {
  ingest: {
    publish: [filters.normalized, filters.rejected],
    subscribe: [filters.sensors],
  },
  flows: {
    publish: [filters.alerts, filters.ispu],
    subscribe: [filters.normalized, filters.alerts, filters.statuses],
  },
  dashboard: {
    publish: [],
    subscribe: [filters.normalized, filters.alerts, filters.statuses, filters.rejected],
  },
  // Operators acknowledge alerts over MQTT (topics.alertAck).
  operator: {
    publish: [filters.alertAcks],
    subscribe: [filters.normalized, filters.alerts],
  },
};

function rulesFor(identity: Identity): Rules {
  if (identity.type === 'service') return SERVICE_RULES[identity.role];
  return deviceRules(identity.kind, identity.id);
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
