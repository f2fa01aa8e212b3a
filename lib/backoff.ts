/**
 * Delay before retry `attempt` (1-based): exponential from `baseMs`, capped, with full jitter
 * (AWS Architecture Blog, "Exponential Backoff And Jitter") so restarted workers do not retry in step.
 * A server's Retry-After wins when it asks for longer.
 */
export function retryDelayMs(
  attempt: number,
  options: { baseMs: number; maxMs: number; retryAfterMs?: number | undefined },
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(options.maxMs, options.baseMs * 2 ** Math.min(attempt - 1, 20));
  const jittered = Math.max(options.baseMs, Math.floor(random() * ceiling));
  return Math.max(jittered, options.retryAfterMs ?? 0);
}
