import { describe, expect, it } from 'vitest';
import { autoRefresh, DEFAULT_REFRESH_MS, refreshInterval } from './refresh.js';

/** A document whose visibility the test sets, as a browser does for a background tab. */
class FakeDocument extends EventTarget {
  hidden = false;
  show(hidden: boolean) {
    this.hidden = hidden;
    this.dispatchEvent(new Event('visibilitychange'));
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('refreshInterval', () => {
  it('is 5 minutes unless the link or the page says otherwise, within 0.5 s to 1 h', () => {
    const body = { dataset: {} as Record<string, string> };
    expect(refreshInterval('', body)).toBe(DEFAULT_REFRESH_MS);
    expect(DEFAULT_REFRESH_MS).toBe(300_000);
    expect(refreshInterval('?refresh_ms=2000', body)).toBe(2000);
    expect(refreshInterval('?refresh_ms=1', body)).toBe(500);
    expect(refreshInterval('?refresh_ms=99999999', body)).toBe(3_600_000);
    for (const bad of ['?refresh_ms=abc', '?refresh_ms=-5', '?refresh_ms=0'])
      expect(refreshInterval(bad, body)).toBe(DEFAULT_REFRESH_MS);
    expect(refreshInterval('', { dataset: { refreshMs: '1500' } })).toBe(1500);
  });
});

describe('autoRefresh', () => {
  it('checks every turn while visible, never while hidden, at once when shown again stale', async () => {
    const doc = new FakeDocument();
    let checks = 0;
    const stop = autoRefresh({ everyMs: 40, check: async () => void checks++, doc });
    await sleep(150);
    expect(checks).toBeGreaterThanOrEqual(2);
    doc.show(true);
    const hiddenAt = checks;
    await sleep(150);
    expect(checks).toBe(hiddenAt);
    doc.show(false); // hidden for longer than a turn: stale, so at once
    await sleep(10);
    expect(checks).toBe(hiddenAt + 1);
    stop();
    const stoppedAt = checks;
    await sleep(100);
    expect(checks).toBe(stoppedAt);
  });

  it('keeps going after a failed check, and never runs two at once', async () => {
    const doc = new FakeDocument();
    let running = 0;
    let most = 0;
    let calls = 0;
    const stop = autoRefresh({
      everyMs: 20,
      doc,
      check: async () => {
        calls++;
        running++;
        most = Math.max(most, running);
        await sleep(30);
        running--;
        throw new Error('503');
      },
    });
    await sleep(35); // the first check is running now
    doc.show(true);
    doc.show(false); // a visibility change during a check starts no second one
    await sleep(200);
    stop();
    expect(calls).toBeGreaterThanOrEqual(3);
    expect(most).toBe(1);
  });
});
