// The catalogue's examples are the decoder's tests: every kind's valid payloads decode, every invalid one
// is refused with the reason the example names.
import { describe, expect, it } from 'vitest';
import { kinds } from '../../lib/catalogue/index.ts';
import { topics } from '../../lib/catalogue/topics.ts';
import { decodeMessage } from './decode.ts';

// Examples carry 2025-2026 device times; give the decoder a clock and window that cover them.
const ctx = {
  now: Date.parse('2026-11-28T04:00:00Z'),
  time: { maxPastMs: 800 * 86_400_000, maxFutureMs: 3_600_000 },
  maxPayloadBytes: 65536,
};
const bytes = (payload: unknown) =>
  Buffer.from(typeof payload === 'string' ? payload : JSON.stringify(payload));

describe('catalogue examples through the decoder', () => {
  for (const kind of kinds) {
    describe(kind.id, () => {
      for (const example of kind.examples.valid) {
        it(`accepts example: ${example.title}`, () => {
          const result = decodeMessage(topics.reading(kind.id, 'st-01'), bytes(example.payload), ctx);
          expect(result).toMatchObject({ ok: true });
        });
      }
      for (const example of kind.examples.invalid) {
        it(`rejects example: ${example.title} (${example.reason})`, () => {
          const result = decodeMessage(topics.reading(kind.id, 'st-01'), bytes(example.payload), ctx);
          expect(result).toMatchObject({ ok: false, reason: example.reason });
        });
      }
    });
  }
});
