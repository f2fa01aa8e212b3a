import assert from 'node:assert';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, it } from 'vitest';
import { JournalPersistence } from './persistence.ts';

/**
 * aedes-persistence's own suite (abstract.js, written for node:test) run against the journal: its
 * `t` needs `plan`, `diagnostic` and `assert`, given here with the plan checked as node:test does.
 */
type NodeTestContext = { plan(n: number): void; diagnostic(message: string): void; assert: typeof assert };
type Abstract = (opts: {
  test: (name: string, fn: (t: NodeTestContext) => Promise<void>) => void;
  persistence: () => Promise<unknown>;
  testAsync: boolean;
}) => void;
const abstract = createRequire(import.meta.resolve('aedes'))('aedes-persistence/abstract.js') as Abstract;

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

function context(): { t: NodeTestContext; check(): void } {
  let planned: number | undefined;
  let count = 0;
  const counted = new Proxy(assert, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        count++;
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return {
    t: {
      plan: (n) => {
        planned = n;
      },
      diagnostic: () => {},
      assert: counted,
    },
    check: () => {
      if (planned !== undefined) assert.equal(count, planned, `planned ${planned} assertions, ran ${count}`);
    },
  };
}

// compactBytes 512: the journal is rewritten every few records, so the suite also runs across compactions.
for (const compactBytes of [64 * 1024 * 1024, 512]) {
  describe(`aedes-persistence abstract suite: journal (compactBytes ${compactBytes})`, () => {
    abstract({
      test: (name, fn) =>
        it(name, async () => {
          const { t, check } = context();
          await fn(t);
          check();
        }),
      persistence: async () => {
        const dir = await mkdtemp(join(tmpdir(), 'journal-abstract-'));
        dirs.push(dir);
        return new JournalPersistence({ dir, compactBytes, fsync: 'none', fsyncIntervalMs: 1000 });
      },
      testAsync: true,
    });
  });
}
