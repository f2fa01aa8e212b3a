import { DEVICE_ROOTS, filters, PIPELINE_ROOTS, topics, underRoot } from '../lib/catalogue/topics.ts';
import type { IntegrationRules } from '../lib/registry/integration-schema.ts';
import type { Account } from '../lib/registry/live-registry.ts';
import type { ServiceRole } from '../lib/registry/schema.ts';
import { filterCovers, topicMatches } from './topic-filter.ts';

/** Who is on the other end of a connection, after authentication. */
export type Identity =
  | { type: 'device'; id: string; kind: string }
  | { type: 'service'; username: string; role: ServiceRole }
  | { type: 'integration'; username: string; rules: IntegrationRules };

/** `denyPublish` and `denyRead` win over the allowed filters: a topic they match is refused. */
type Rules = {
  publish: readonly string[];
  subscribe: readonly string[];
  denyPublish?: readonly string[];
  denyRead?: readonly string[];
};

/** The identity a session gets from its registry account. */
export function identityOf(account: Account, username: string): Identity {
  if (account.type === 'device') return { type: 'device', id: account.device.id, kind: account.device.kind };
  if (account.type === 'service') return { type: 'service', username, role: account.service.role };
  const { publish, subscribe, deny, read_devices } = account.integration;
  return { type: 'integration', username, rules: { publish, subscribe, deny, read_devices } };
}

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

/**
 * An integration's own patterns, with the contract's denies added to its own (the registry refused
 * patterns naming those roots; these catch wildcards such as `+/+` or `#` reaching them): it never
 * publishes under the pipeline's roots, and reads devices' topics only with read_devices.
 */
export function integrationRules(rules: IntegrationRules): Rules {
  return {
    publish: rules.publish,
    subscribe: rules.subscribe,
    denyPublish: [...rules.deny, ...PIPELINE_ROOTS.map(underRoot)],
    denyRead: [...rules.deny, ...(rules.read_devices ? [] : DEVICE_ROOTS.map(underRoot))],
  };
}

function rulesFor(identity: Identity): Rules {
  if (identity.type === 'service') return SERVICE_RULES[identity.role];
  if (identity.type === 'integration') return integrationRules(identity.rules);
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

const matches = (filter: string, topic: string) =>
  filter === topic || (hasWildcard(filter) && topicMatches(filter, topic));

export function canPublish(identity: Identity, topic: string): boolean {
  if (topic.startsWith('$')) return false;
  // Hot path (every PUBLISH): a literal rule is a string comparison, no split.
  const rules = cachedRules(identity);
  if (!rules.publish.some((filter) => matches(filter, topic))) return false;
  return !rules.denyPublish?.some((denied) => matches(denied, topic));
}

/**
 * An allowed filter must cover the whole subscription; a deny refuses it (SUBACK 0x80) when it covers
 * the whole subscription too. A subscription that only partly meets a deny (`+/+` against a denied
 * `city/secret`) is granted, and `canRead` keeps the denied topics from it at delivery.
 */
export function canSubscribe(identity: Identity, filter: string): boolean {
  const rules = cachedRules(identity);
  if (!rules.subscribe.some((allowed) => filterCovers(allowed, filter))) return false;
  return !rules.denyRead?.some((denied) => filterCovers(denied, filter));
}

/** May this session be sent a message on `topic`? Only integrations have denies; others read what they subscribed. */
export function canRead(identity: Identity, topic: string): boolean {
  return !cachedRules(identity).denyRead?.some((filter) => matches(filter, topic));
}
