import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { parsePrometheusText, sampleValue } from './prometheus-text.ts';

/** Real /metrics text, as our services serve it (prom-client). */
async function served(): Promise<string> {
  const registry = new Registry();
  const refused = new Counter({
    name: 'x_refused_total',
    help: 'h',
    labelNames: ['reason'],
    registers: [registry],
  });
  refused.inc({ reason: 'bad_secret' }, 2);
  refused.inc({ reason: 'a "quoted" value with spaces and } brace' }, 5);
  new Gauge({ name: 'x_spool_readings', help: 'h', registers: [registry] }).set(1234.5);
  const batches = new Histogram({ name: 'x_batch_lines', help: 'h', buckets: [10], registers: [registry] });
  batches.observe(3);
  batches.observe(30);
  return registry.metrics();
}

describe('Prometheus text', () => {
  it('reads counters, gauges, labelled series and histogram parts from prom-client output', async () => {
    const samples = parsePrometheusText(await served());
    expect(samples.get('x_refused_total{reason="bad_secret"}')).toBe(2);
    expect(samples.get('x_refused_total{reason="a \\"quoted\\" value with spaces and } brace"}')).toBe(5);
    expect(samples.get('x_spool_readings')).toBe(1234.5);
    expect(samples.get('x_batch_lines_bucket{le="10"}')).toBe(1);
    expect(samples.get('x_batch_lines_bucket{le="+Inf"}')).toBe(2);
    expect(samples.get('x_batch_lines_sum')).toBe(33);
    expect(samples.get('x_batch_lines_count')).toBe(2);
    expect([...samples.keys()].some((k) => k.startsWith('#'))).toBe(false);
  });

  it('finds one sample by name and labels, and says when there is none', async () => {
    const text = await served();
    expect(sampleValue(text, 'x_spool_readings')).toBe(1234.5);
    expect(sampleValue(text, 'x_refused_total', 'reason="bad_secret"')).toBe(2);
    expect(sampleValue(text, 'x_refused_total')).toBeUndefined();
    expect(sampleValue(text, 'x_spool')).toBeUndefined();
  });

  it('takes the value before a timestamp, and Inf and NaN values', () => {
    const samples = parsePrometheusText('a 1 1700000000000\nb +Inf\nc -Inf\nd NaN\n\n# TYPE e gauge\n');
    expect(samples.get('a')).toBe(1);
    expect(samples.get('b')).toBe(Number.POSITIVE_INFINITY);
    expect(samples.get('c')).toBe(Number.NEGATIVE_INFINITY);
    expect(samples.get('d')).toBeNaN();
    expect(samples.size).toBe(4);
  });
});
