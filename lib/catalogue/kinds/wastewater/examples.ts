import type { KindSpec } from '../../spec.ts';

/** Payloads the decoder must accept, and ones it must refuse with the given reason (catalogue-examples.test.ts). */
export const wastewaterExamples: KindSpec['examples'] = {
  valid: [
    {
      title: 'IPAL outfall, RFC 3339 time',
      payload: {
        ts: '2026-11-28T03:00:00Z',
        values: { ph: 7.2, bod: 24.5, cod: 78, tss: 21, nh3n: 6.4, oil_grease: 1.2, flow: 12.6 },
      },
    },
  ],
  invalid: [
    // The pH scale of water ends at 14: a probe reporting more is faulty or uncalibrated.
    { title: 'pH above 14', payload: { ts: 1795834800000, values: { ph: 15.1 } }, reason: 'out_of_range' },
    // JSON has no NaN; a logger that writes null for a failed sample sends no number.
    {
      title: 'NaN written as null',
      payload: { ts: 1795834800000, values: { bod: null } },
      reason: 'invalid_payload',
    },
    // The native envelope requires `values`.
    { title: 'missing values', payload: { ts: 1795834800000 }, reason: 'invalid_payload' },
  ],
};
