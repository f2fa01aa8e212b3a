import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './shell-job.ts';

export type Block = { file: string; index: number; commands: string[] };

/**
 * The commands of every ```sh block of a README, as a person would paste them: one per line, a line
 * ending in `\` joined with the next (the text itself kept), blank and comment-only lines left out.
 */
export function shellBlocks(file: string, markdown = readFileSync(join(REPO_ROOT, file), 'utf8')): Block[] {
  const blocks: Block[] = [];
  for (const match of markdown.matchAll(/^```sh\n([\s\S]*?)^```$/gm)) {
    const commands: string[] = [];
    let pending = '';
    for (const line of (match[1] ?? '').split('\n')) {
      if (!pending && (line.trim() === '' || line.trimStart().startsWith('#'))) continue;
      pending += pending ? `\n${line}` : line;
      if (line.endsWith('\\')) continue;
      commands.push(pending);
      pending = '';
    }
    if (pending) commands.push(pending);
    blocks.push({ file, index: blocks.length, commands });
  }
  return blocks;
}

/** `T="..."; B=http://...`: a line that only sets shell variables for the lines after it. */
export function onlyAssigns(command: string): boolean {
  return /^(?:[A-Za-z_]\w*=(?:"[^"]*"|'[^']*'|[^\s;'"]*)\s*;?\s*)+$/.test(command);
}

/** The JSON of InfluxDB's /query: the number of each `SELECT COUNT(...)` statement (0 when empty). */
export function queryCounts(output: string): number[] {
  const body = JSON.parse(output) as { results: { series?: { values: unknown[][] }[] }[] };
  return body.results.map((r) => Number(r.series?.[0]?.values[0]?.[1] ?? 0));
}
