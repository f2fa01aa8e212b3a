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
  for (const match of markdown.matchAll(/^```(?:sh|bash)\n([\s\S]*?)^```$/gm)) {
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

const VALUE = String.raw`(?:"[^"]*"|'[^']*'|\$\((?:[^()]|\([^()]*\))*\)|[^\s;'"()]*)`;
const ASSIGNS = new RegExp(String.raw`^(?:export\s+)?(?:[A-Za-z_]\w*=${VALUE}\s*;?\s*)+(?:#.*)?$`);

/**
 * `T="..."; B=http://...`, `TOKEN=$(npm run -s users -- ...)`, `export A=1 B=2`: a line that only sets
 * shell variables for the lines after it (a command substitution included: it runs once, as typed).
 */
export function onlyAssigns(command: string): boolean {
  return ASSIGNS.test(command);
}

/** The names an `onlyAssigns` line sets, in order. */
export function assignedNames(command: string): string[] {
  const names: string[] = [];
  const rest = new RegExp(String.raw`^(?:export\s+)?([A-Za-z_]\w*)=${VALUE}\s*;?\s*`);
  for (let line = command, m = rest.exec(line); m; line = line.slice(m[0].length), m = rest.exec(line)) {
    if (m[0].length === 0) break;
    names.push(m[1] ?? '');
  }
  return names;
}

/** The JSON of InfluxDB's /query: the number of each `SELECT COUNT(...)` statement (0 when empty). */
export function queryCounts(output: string): number[] {
  const body = JSON.parse(output) as { results: { series?: { values: unknown[][] }[] }[] };
  return body.results.map((r) => Number(r.series?.[0]?.values[0]?.[1] ?? 0));
}
