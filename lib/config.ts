import type { z } from 'zod';

export class ConfigError extends Error {
  override name = 'ConfigError';
  readonly code = 'CONFIG_INVALID';
}

/**
 * Validates before anything connects; the message names each bad setting: by the environment variable it
 * came from when `variableAt` knows one (lib/settings), else by its path in the config object.
 */
export function parseConfig<S extends z.ZodType>(
  schema: S,
  input: unknown,
  variableAt?: (path: string) => string | undefined,
): z.infer<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const lines = result.error.issues.map((i) => {
    const path = i.path.join('.') || '(root)';
    const variable = variableAt?.(path);
    return `  ${variable ? `${variable} (${path})` : path}: ${i.message}`;
  });
  throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
}

/** Env flags: unset -> undefined (the schema default), "false"/"0"/"no" -> false, anything else -> true. */
export function envFlag(value: string | undefined): boolean | undefined {
  if (value === undefined || value === '') return undefined;
  return !['false', '0', 'no', 'off'].includes(value.toLowerCase());
}

/** For settings whose schema takes numbers, not strings (a union of literals): unset stays unset. */
export function envNumber(value: string | undefined): number | undefined {
  return value === undefined ? undefined : Number(value);
}

/** An empty value counts as unset: docker compose passes `${NAME:-}` through as "". */
export function envNonEmpty(value: string | undefined): string | undefined {
  return value || undefined;
}
