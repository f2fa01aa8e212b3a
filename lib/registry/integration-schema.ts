import { z } from 'zod';
import { DEVICE_ROOTS, PIPELINE_ROOTS, patternProblem, rootOf } from '../catalogue/topics.ts';

/** Patterns per list: a third party's topics are a handful of filters, not a table. */
export const MAX_PATTERNS = 64;

/** Account names are one namespace with devices and services (schema.ts). */
export const INTEGRATION_NAME_PATTERN = /^[a-z][a-z0-9-]{0,63}$/;

const Patterns = z
  .array(z.string())
  .max(MAX_PATTERNS, `at most ${MAX_PATTERNS} patterns a list`)
  .superRefine((patterns, ctx) => {
    for (const pattern of patterns) {
      const problem = patternProblem(pattern);
      if (problem) ctx.addIssue({ code: 'custom', message: `pattern ${JSON.stringify(pattern)} ${problem}` });
    }
  });

const pipelineRoots: readonly string[] = PIPELINE_ROOTS;
const deviceRoots: readonly string[] = DEVICE_ROOTS;

/**
 * What the topic contract allows an integration, beyond valid filters (lib/catalogue/topics.ts):
 * - it never publishes under the pipeline's roots (sensors/, readings/, ingest/, alerts/, cmd/): a
 *   forged reading or alert would reach the flows and the console as the pipeline's own;
 * - it reads a device's topics (sensors/, cmd/) only when granted `read_devices`.
 * A pattern whose first level is a wildcard (`+/+`, `#`) is allowed: the broker denies it those roots
 * anyway (broker/acl.ts, implicit denies), so it reaches the integration's own topics and what it may read.
 */
function contractProblems(account: IntegrationRules): string[] {
  const problems: string[] = [];
  for (const pattern of account.publish)
    if (pipelineRoots.includes(rootOf(pattern)))
      problems.push(
        `publish ${JSON.stringify(pattern)}: ${rootOf(pattern)}/ belongs to the pipeline; integrations publish under their own topics`,
      );
  if (!account.read_devices)
    for (const pattern of account.subscribe)
      if (deviceRoots.includes(rootOf(pattern)))
        problems.push(
          `subscribe ${JSON.stringify(pattern)}: reading devices' own topics needs read_devices (--read-devices)`,
        );
  if (account.publish.length + account.subscribe.length === 0)
    problems.push('an integration needs at least one publish or subscribe pattern');
  return problems;
}

const RulesShape = {
  publish: Patterns.default([]),
  subscribe: Patterns.default([]),
  /** Topics neither published nor read, whatever publish and subscribe allow: deny wins. */
  deny: Patterns.default([]),
  /** May subscribe to devices' own topics (sensors/..., cmd/...). */
  read_devices: z.boolean().default(false),
};

/** An integration's rules as given (CLI, admin API), before a secret is issued. */
export const IntegrationRulesSchema = z.strictObject(RulesShape).superRefine((rules, ctx) => {
  for (const message of contractProblems(rules)) ctx.addIssue({ code: 'custom', message });
});
export type IntegrationRules = z.infer<typeof IntegrationRulesSchema>;

/** A third-party system's account (a city data platform, a national feed, a test client): its own topics. */
export const IntegrationSchema = z
  .strictObject({
    username: z.string().regex(INTEGRATION_NAME_PATTERN, 'integration names match [a-z][a-z0-9-]{0,63}'),
    secret_hash: z.string().startsWith('scrypt$'),
    ...RulesShape,
    revoked: z.boolean().default(false),
    created_at: z.string().optional(),
  })
  .superRefine((account, ctx) => {
    for (const message of contractProblems(account)) ctx.addIssue({ code: 'custom', message });
  });
export type Integration = z.infer<typeof IntegrationSchema>;
