import { isUtf8 } from 'node:buffer';
import type { Aedes } from 'aedes';
import type { Logger } from '../../lib/log.ts';
import { inspectStrings } from '../aedes-internals.ts';
import type { BrokerMetrics } from '../metrics.ts';

/** Why a packet's UTF-8 string is refused, or undefined when it is fine. */
export function stringProblem(
  text: string,
  raw: () => Buffer,
): 'null_character' | 'malformed_utf8' | undefined {
  // [MQTT-1.5.3-2]: no U+0000 in a UTF-8 encoded string.
  if (text.includes('\u0000')) return 'null_character';
  // [MQTT-1.5.3-1]: ill-formed UTF-8 (surrogates, overlong forms, stray bytes). Node decodes each with
  // U+FFFD, so only a string holding U+FFFD needs its bytes checked: a real U+FFFD is well-formed.
  if (text.includes('\uFFFD') && !isUtf8(raw())) return 'malformed_utf8';
  return undefined;
}

/**
 * "If a Server or Client receives a Control Packet containing ill-formed UTF-8 it MUST close the
 * Network Connection" [MQTT-1.5.3-1], and the same for U+0000 [MQTT-1.5.3-2]: client ids, will topics,
 * user names, topic names and filters alike. Before this a topic name with either was acknowledged and
 * dropped, and a filter with U+0000 was granted. Counted in broker_disconnects_total{reason}.
 */
export function installStringCheck(aedes: Aedes, metrics: BrokerMetrics, log: Logger): void {
  const handle = aedes.handle;
  aedes.handle = (conn, req) => {
    const client = handle(conn, req);
    inspectStrings(client, (text, raw) => {
      const reason = stringProblem(text, raw);
      if (!reason) return true;
      metrics.disconnects.inc({ reason });
      // The string itself is not logged: hostile bytes stay out of the log.
      log.info(
        { clientId: client.id ?? undefined, reason },
        'ill-formed string in a packet: closing the connection',
      );
      return false;
    });
    return client;
  };
}
