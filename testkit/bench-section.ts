/**
 * A benchmark section: a `*.bench.ts` file anywhere in the tree whose default export is one of these.
 * `npm run bench` finds every section, runs them one after another (never in parallel: the machine
 * has 2 cores) and ends with one JSON line merging every section's figures.
 */
export type BenchSection = {
  name: string;
  /** Lower runs first. */
  order: number;
  /** Prints its own progress with `log`; returns named figures (numbers only). */
  run(log: (line: string) => void): Promise<Record<string, number>>;
};
