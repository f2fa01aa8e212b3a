import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeMessage } from './decode.ts';

/**
 * Golden cases in the Telegraf style: each folder of testdata/ holds `topic.txt`, `input.json` (the
 * payload bytes, sent as they are) and `expected.json` (the DecodeResult; for a rejection `detail`
 * may be left out). A new case is a new folder. The shared-* cases are the real payload shapes
 * the project was given (native, SenML, Sensor.Community), kept here verbatim.
 */
const root = join(import.meta.dirname, 'testdata');
// One clock for every case: the shared payloads carry 2025 and 2026 device times.
const ctx = {
  now: Date.parse('2026-11-28T04:00:00Z'),
  time: { maxPastMs: 800 * 86_400_000, maxFutureMs: 5 * 60_000 },
  maxPayloadBytes: 65_536,
};

const cases = readdirSync(root, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();

describe('golden decode cases (testdata/<case>)', () => {
  it('has cases, each complete', () => {
    expect(cases.length).toBeGreaterThan(0);
    for (const name of cases) {
      for (const file of ['topic.txt', 'input.json', 'expected.json']) {
        expect(existsSync(join(root, name, file)), `${name}/${file}`).toBe(true);
      }
    }
  });

  it.each(cases)('%s', (name) => {
    const dir = join(root, name);
    const topic = readFileSync(join(dir, 'topic.txt'), 'utf8').trim();
    const input = readFileSync(join(dir, 'input.json'));
    const expected = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8'));
    const result = decodeMessage(topic, input, ctx);
    if (expected.ok) expect(result).toEqual(expected);
    else expect(result).toMatchObject(expected);
  });
});
