import { readFileSync } from 'node:fs';
import { z } from 'zod';

/**
 * Typed access to standards.json (regulatory thresholds with the source of each, copied verbatim
 * from the regulations' data set the project started from). Only the parts the product uses are typed strictly; the rest passes through.
 */
export const ConfidenceSchema = z.enum(['verified', 'recalled']);
export type Confidence = z.infer<typeof ConfidenceSchema>;

export const LimitSchema = z.looseObject({
  min: z.number().nullable(),
  max: z.number().nullable(),
  averaging: z.string(),
  level: z.string().optional(),
  note: z.string().optional(),
});

export const BreakpointSchema = z.looseObject({
  index_lo: z.number(),
  index_hi: z.number(),
  conc_lo: z.number(),
  conc_hi: z.number(),
  category: z.string(),
});
export type Breakpoint = z.infer<typeof BreakpointSchema>;

export const PollutantSchema = z.looseObject({
  parameter: z.string(),
  unit: z.string(),
  confidence: ConfidenceSchema,
  averaging: z.string().optional(),
  limits: z.array(LimitSchema).optional(),
  breakpoints: z.array(BreakpointSchema).optional(),
});
export type Pollutant = z.infer<typeof PollutantSchema>;

export const StandardSchema = z.looseObject({
  id: z.string(),
  title: z.string(),
  kind: z.enum(['index', 'limit']),
  status: z.string().optional(),
  pollutants: z.array(PollutantSchema),
});
export type Standard = z.infer<typeof StandardSchema>;

export const StandardsFileSchema = z.looseObject({
  schema_version: z.string(),
  standards: z.array(StandardSchema),
});
export type StandardsFile = z.infer<typeof StandardsFileSchema>;

export const STANDARDS_PATH = new URL('./standards.json', import.meta.url);

let cached: StandardsFile | undefined;

/** The shipped standards, parsed once. Throws with the zod issues when the file is malformed. */
export function loadStandards(path: string | URL = STANDARDS_PATH): StandardsFile {
  if (path === STANDARDS_PATH && cached) return cached;
  const parsed = StandardsFileSchema.parse(JSON.parse(readFileSync(path, 'utf8')));
  if (path === STANDARDS_PATH) cached = parsed;
  return parsed;
}

export function findStandard(file: StandardsFile, id: string): Standard | undefined {
  return file.standards.find((s) => s.id === id);
}

export type ResolvedLimit = {
  standardId: string;
  standardTitle: string;
  parameter: string;
  unit: string;
  value: number;
  bound: 'min' | 'max';
  averaging: string;
  confidence: Confidence;
};

export type LimitQuery = {
  parameter: string;
  bound: 'min' | 'max';
  averaging?: string | undefined;
  /** Only entries in this unit (a rule must compare like with like). */
  unit?: string | undefined;
  level?: string | undefined;
};

/**
 * One limit of one standard. Exactly one entry must match: an ambiguous query is an error, so a
 * rule never picks a number by accident (the water-distribution table lists pressure three times).
 */
export function findLimit(file: StandardsFile, standardId: string, query: LimitQuery): ResolvedLimit {
  const standard = findStandard(file, standardId);
  if (!standard) throw new Error(`unknown standard "${standardId}"`);
  const found: ResolvedLimit[] = [];
  for (const p of standard.pollutants) {
    if (p.parameter !== query.parameter || !p.limits) continue;
    if (query.unit !== undefined && p.unit !== query.unit) continue;
    for (const limit of p.limits) {
      const value = limit[query.bound];
      if (value === null) continue;
      if (query.averaging !== undefined && limit.averaging !== query.averaging) continue;
      if (query.level !== undefined && limit.level !== query.level) continue;
      found.push({
        standardId,
        standardTitle: standard.title,
        parameter: p.parameter,
        unit: p.unit,
        value,
        bound: query.bound,
        averaging: limit.averaging,
        confidence: p.confidence,
      });
    }
  }
  const what = `${standardId}: ${query.parameter} ${query.bound}${query.averaging ? ` (${query.averaging})` : ''}${query.unit ? ` in ${query.unit}` : ''}`;
  if (found.length === 0) throw new Error(`no limit for ${what}`);
  if (found.length > 1) throw new Error(`${found.length} limits match ${what}: name the averaging or unit`);
  return found[0] as ResolvedLimit;
}

/** The ISPU breakpoint tables (Permen LHK P.14/2020), keyed by parameter. */
export function ispuTables(file: StandardsFile = loadStandards()): Map<string, Pollutant> {
  const ispu = findStandard(file, 'id-ID-ispu-2020');
  if (!ispu) throw new Error('standards.json has no id-ID-ispu-2020');
  return new Map(ispu.pollutants.filter((p) => p.breakpoints).map((p) => [p.parameter, p]));
}
