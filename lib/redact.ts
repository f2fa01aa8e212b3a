/**
 * Redaction for log lines: secret-bearing fields by name at any depth (`redactFields`, run on the
 * object of each line that is written), and credentials inside strings (`maskCredentials`, run on the
 * finished line, so it also covers the message, child bindings and error messages and stacks).
 * Both are pure and cost nothing for a line below the log level: pino never builds that line.
 */

export const CENSOR = '[redacted]';

/**
 * A key names a secret when it is, or ends in, one of these (case-insensitive; `_` and `-` allowed
 * before the last word): password, passwordHash, secret, secret_hash, credentialSecret, token,
 * apiToken, adminToken, ackPassword, INFLUX_TOKEN, BROKER_ADMIN_TOKEN, apiKey, privateKey; or it is
 * an authorization or cookie header, or `credentials` (Node-RED's per-node secrets).
 * `passwordFile` and `tokenPath` do not match: they name where a secret is, which is worth logging.
 */
const SECRET_KEY =
  /(?:password|passwd|passphrase|secret|token|api[-_]?key|private[-_]?key|(?:password|secret)[-_]?hash)$|^(?:authorization|proxy-authorization|cookies?|set-cookie|credentials)$/i;

export function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key);
}

// Deeper than any object our logs carry (a config is 3 levels, an error with causes a few more);
// below this an object is replaced rather than printed unchecked.
const MAX_DEPTH = 10;

/**
 * A copy of `value` with every secret-bearing field replaced by `[redacted]`, or `value` itself when
 * nothing needed changing (no allocation on the common path). Booleans and null are kept (`password:
 * false` tells nothing). Cycles and depth are bounded, so a hostile or self-referencing object
 * cannot crash or stall logging.
 */
export function redactFields<T>(value: T): T {
  return walk(value, []) as T;
}

function walk(value: unknown, ancestors: object[]): unknown {
  if (typeof value !== 'object' || value === null || !descends(value)) return value;
  if (ancestors.includes(value)) return '[circular]';
  if (ancestors.length >= MAX_DEPTH) return '[too deep]';
  ancestors.push(value);
  let copy: unknown;
  if (Array.isArray(value)) {
    let items: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const next = walk(value[i], ancestors);
      if (next !== value[i]) {
        items ??= value.slice();
        items[i] = next;
      }
    }
    copy = items;
  } else {
    const record = value as Record<string, unknown>;
    let fields: Record<string, unknown> | undefined;
    for (const key in record) {
      if (!Object.hasOwn(record, key)) continue;
      const item = record[key];
      const next =
        item !== undefined && item !== null && typeof item !== 'boolean' && SECRET_KEY.test(key)
          ? CENSOR
          : walk(item, ancestors);
      if (next !== item) {
        fields ??= { ...record };
        fields[key] = next;
      }
    }
    copy = fields;
  }
  ancestors.pop();
  return copy ?? value;
}

// Objects printed through toJSON (Date, URL, Buffer) or as bytes are left to maskCredentials. An
// Error is left whole: copying it would lose the prototype pino's `err` serializer recognises it by
// (lib/log.ts redacts what that serializer makes instead).
function descends(value: object): boolean {
  if (Array.isArray(value)) return true;
  if (value instanceof Error || ArrayBuffer.isView(value) || value instanceof Map || value instanceof Set)
    return false;
  return typeof (value as { toJSON?: unknown }).toJSON !== 'function';
}

// scheme://user:password@host -> scheme://user:***@host. The password may hold an unescaped `@`
// (greedy up to the last one); whitespace, a path, a quote or a JSON escape ends the authority.
const URL_PASSWORD = /\b([a-z][a-z0-9+.-]*:\/\/[^\s/?#@:"\\]*):[^\s/?#"\\]*@/gi;
// ?p=... and friends: InfluxDB 1.x takes `u` and `p` in the query string, OAuth-style APIs `access_token`.
const QUERY_SECRET = /([?&](?:p|pass|password|token|secret|access_token|api_key|apikey|auth)=)[^&#\s"\\]+/gi;
// An Authorization header's value quoted in a message; the credential must look like one (a digit,
// a base64 symbol or an inner capital), so "Basic authentication failed" stays readable.
const AUTH_SCHEME = /\b(Bearer|Basic) +(?=[A-Za-z]*[0-9+/=_-]|[A-Za-z][a-z]*[A-Z])[A-Za-z0-9._~+/=-]{8,}/g;

/** `text` with credentials inside URLs, query strings and quoted auth headers masked as `***`. */
export function maskCredentials(text: string): string {
  return text.replace(URL_PASSWORD, '$1:***@').replace(QUERY_SECRET, '$1***').replace(AUTH_SCHEME, '$1 ***');
}
