// Refreshing the page's data while someone looks at it: every `everyMs` (5 minutes) while the page is
// visible, nothing while it is hidden (a tab in the background, a phone's screen off: no requests, no
// battery), and at once when it is shown again if the last check is older than `everyMs`. One check at
// a time; a failed check waits for the next turn like a good one.

export const DEFAULT_REFRESH_MS = 5 * 60_000;
const MIN_REFRESH_MS = 500;
const MAX_REFRESH_MS = 3_600_000;

/**
 * The interval: `?refresh_ms=` (tests, a kiosk screen) or the body's `data-refresh-ms`, within 0.5 s..1 h;
 * else 5 minutes.
 */
export function refreshInterval(search = location.search, body = document.body) {
  const asked = Number(new URLSearchParams(search).get('refresh_ms') ?? body?.dataset.refreshMs);
  if (!Number.isFinite(asked) || asked <= 0) return DEFAULT_REFRESH_MS;
  return Math.min(MAX_REFRESH_MS, Math.max(MIN_REFRESH_MS, asked));
}

/** Runs `check()` every `everyMs` while `doc` is visible; returns a stop function. */
export function autoRefresh({ everyMs, check, doc = document, now = () => Date.now() }) {
  let last = now();
  let timer;
  let running = false;
  let stopped = false;

  const schedule = (delay) => {
    clearTimeout(timer);
    timer = stopped || doc.hidden ? undefined : setTimeout(turn, Math.max(0, delay));
  };
  async function turn() {
    timer = undefined;
    if (running || doc.hidden || stopped) return;
    running = true;
    try {
      await check();
    } catch {
      // check() says on the page what went wrong; the next turn tries again.
    } finally {
      running = false;
      last = now();
      schedule(everyMs);
    }
  }
  const onVisibility = () => {
    if (doc.hidden) {
      clearTimeout(timer);
      timer = undefined;
    } else if (!running) {
      schedule(everyMs - (now() - last)); // stale: at once; else the rest of the turn
    }
  };
  doc.addEventListener('visibilitychange', onVisibility);
  schedule(everyMs);
  return () => {
    stopped = true;
    clearTimeout(timer);
    doc.removeEventListener('visibilitychange', onVisibility);
  };
}
