/**
 * Write errors are typed, as Telegraf's outputs do: a retryable error retries the whole batch later
 * (network down, 5xx, 429 with Retry-After); a permanent one means a point in the batch is bad and
 * the batch must be split so the bad point can be dead-lettered without blocking the rest.
 */
export const WriteErrorKinds = { retryable: 'retryable', permanent: 'permanent' } as const;
export type WriteErrorKind = (typeof WriteErrorKinds)[keyof typeof WriteErrorKinds];

export class WriteError extends Error {
  override name = 'WriteError';
  readonly kind: WriteErrorKind;
  readonly status: number | undefined;
  /** Server-requested delay (Retry-After), in ms. */
  readonly retryAfterMs: number | undefined;

  constructor(kind: WriteErrorKind, message: string, status?: number, retryAfterMs?: number) {
    super(message);
    this.kind = kind;
    this.status = status;
    this.retryAfterMs = retryAfterMs;
  }
}

/**
 * Classifies an HTTP status from a write endpoint. 413 is permanent: the batch must be split. A wrong
 * token (401, 403) or a missing database or bucket (404) says nothing about the points: every batch
 * would fail the same way, so they are retried (and /readyz and the logs say why) until an operator
 * fixes the setting, instead of dead-lettering everything in the spool.
 */
export function classifyStatus(status: number): WriteErrorKind {
  if (status === 429 || status === 408 || status >= 500) return WriteErrorKinds.retryable;
  if (status === 401 || status === 403 || status === 404) return WriteErrorKinds.retryable;
  return WriteErrorKinds.permanent;
}

/** Retry-After as seconds or an HTTP date (RFC 9110 10.2.3) -> ms, capped so a bad header cannot stall us. */
export function parseRetryAfter(header: string | null | undefined, now = Date.now()): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(header) - now;
  if (!Number.isFinite(ms) || ms < 0) return undefined;
  return Math.min(ms, 5 * 60_000);
}

export type PointWriter = {
  /** Writes line-protocol lines (precision ms). Throws WriteError. */
  write(lines: readonly string[]): Promise<void>;
  /** Reachability check for /readyz. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
};
