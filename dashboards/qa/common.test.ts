import { describe, expect, it } from 'vitest';
import { fromInflux, spanProblem } from './common.ts';
import type { PointSource } from './influx-points.ts';

const DAY = 86_400_000;
const failing: PointSource = {
  count: async () => new Map(),
  read: async () => {
    throw new Error('connect ECONNREFUSED 127.0.0.1:8086');
  },
  codes: async () => ({ series: new Map(), truncated: false }),
};

describe('the QA desks shared refusals', () => {
  it('refuses a span that ends before it starts, or is longer than allowed, and lets the rest through', () => {
    const tooLong = { code: 'error.qa.data_too_long', params: { days: 31 } };
    expect(spanProblem(2 * DAY, DAY, 31, tooLong)).toMatchObject({
      status: 400,
      code: 'error.qa.to_after_from',
    });
    expect(spanProblem(0, 32 * DAY, 31, tooLong)).toMatchObject({
      status: 400,
      code: 'error.qa.data_too_long',
    });
    expect(spanProblem(0, 32 * DAY, 31, tooLong)?.problem).toMatch(/31/);
    expect(spanProblem(0, 31 * DAY, 31, tooLong)).toBeUndefined();
  });

  it('answers 503 without InfluxDB, 502 with its error when a read fails, the value when it works', async () => {
    expect(await fromInflux(undefined, async () => 1)).toMatchObject({ ok: false, status: 503 });
    const failed = await fromInflux(failing, (p) => p.read('air_quality', 'aq-x-01', ['pm25'], 0, DAY, 10));
    expect(failed).toMatchObject({ ok: false, status: 502, code: 'error.qa.influx_failed' });
    expect(failed.ok ? '' : failed.problem).toMatch(/ECONNREFUSED/);
    expect(await fromInflux(failing, async () => 42)).toEqual({ ok: true, value: 42 });
  });
});
