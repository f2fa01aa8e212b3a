import { readFileSync } from 'node:fs';
import { loadStandards } from '../lib/standards/index.ts';
import { buildRuleSet, parseOverrides, parseRulesFile, RulesError } from './core/rules-build.ts';

function readJson(path: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new RulesError(`${what} ${path} cannot be read: ${(err as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new RulesError(`${what} ${path} is not JSON: ${(err as Error).message}`);
  }
}

/** Reads and validates the rules, the optional override file and the shipped standards. Throws RulesError. */
export function loadRuleSet(rulesFile: string, overridesFile?: string) {
  const rules = buildRuleSet(
    parseRulesFile(readJson(rulesFile, 'rules file')),
    parseOverrides(overridesFile ? readJson(overridesFile, 'override file') : {}),
    loadStandards(),
  );
  return { rules };
}
