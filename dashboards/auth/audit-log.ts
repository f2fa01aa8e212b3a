import type { FastifyRequest } from 'fastify';
import type { Logger } from '../../lib/log.ts';
import type { AuditEntry } from '../../lib/records/audit.ts';
import type { Records } from '../../lib/records/database.ts';
import type { Actor } from './user-admin.ts';

/** Appends one audit row, stamped with the console's clock. */
export type AuditRecorder = (entry: Omit<AuditEntry, 'at'>) => void;

/**
 * The console's audit writer. A row that cannot be written (disk full) is logged with what it would
 * have said (never secrets: the rows hold none) and counted, and the action itself goes on: a login
 * or an acknowledgement is not refused because the log is unwell, and the count shows that it is.
 */
export function auditRecorder(
  records: Records,
  now: () => number,
  log: Logger,
  onFailure: () => void,
): AuditRecorder {
  return (entry) => {
    try {
      records.audit.append({ ...entry, at: now() });
    } catch (err) {
      onFailure();
      log.error(
        { err: (err as Error).message, action: entry.action, actor: entry.actor, target: entry.target },
        'audit row not written',
      );
    }
  };
}

/** The audit actor of a request that passed a guard. */
export function actorOf(req: FastifyRequest): Actor {
  const principal = req.principal;
  return { name: principal?.name ?? 'anonymous', via: principal?.via ?? 'session', address: req.ip };
}
