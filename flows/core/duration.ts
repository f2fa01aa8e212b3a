const UNITS_MS: Record<string, number> = {
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  y: 365 * 86_400_000,
};

/** Averaging periods as the standards write them ("1h", "8h", "24h", "1y") and rule windows ("90s"). */
export function parseDuration(text: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)\s*([smhdy])$/.exec(text.trim());
  if (!m) return undefined;
  const ms = Number(m[1]) * (UNITS_MS[m[2] as string] as number);
  return ms > 0 ? ms : undefined;
}
