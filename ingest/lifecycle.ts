/** A timer that never holds the process open. */
export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms).unref());

/** Makes close() safe to call twice (tests close a worker early, then again in cleanup). */
export function once(fn: () => Promise<void>): () => Promise<void> {
  let done: Promise<void> | undefined;
  return () => {
    done ??= fn();
    return done;
  };
}
