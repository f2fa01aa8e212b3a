/** MQTT 3.1.1 topic matching (section 4.7). Pure helpers used by the ACL. */

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
