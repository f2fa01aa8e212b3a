import type { Scope } from '../records/access.ts';
import { type GenerateDeps, type GeneratedFile, generateReport } from './generate.ts';
import type {
  FormatSpec,
  Report,
  ReportFormat,
  ReportRequest,
  ReportTypeSpec,
  StationMeta,
} from './model.ts';
import { checkRequest, type Refusal } from './request.ts';

/** A request refused by the checks (lib/reports/request.ts): bad input, not a failure; nothing was read. */
export class ReportRefusedError extends Error {
  override name = 'ReportRefusedError';
  readonly refusal: Refusal;

  constructor(refusal: Refusal) {
    super(`${refusal.key} ${JSON.stringify(refusal.params)}`);
    this.refusal = refusal;
  }
}

export type GeneratorDeps = Omit<GenerateDeps, 'outDir' | 'formats'> & {
  specs: readonly ReportTypeSpec[];
  formats: ReadonlyMap<ReportFormat, FormatSpec>;
  registry: readonly StationMeta[];
};

export type GenerateOptions = { formats: ReportFormat[]; outDir: string; scope: Scope };

/**
 * One call from a request to files, for the scheduler and the console (lib/reports/run.ts `Generate`):
 * checked with the requester's scope first (a refusal throws ReportRefusedError before anything is
 * read), then generated. `stations` are those the report covers (the scope's when none were named).
 */
export function createGenerator(deps: GeneratorDeps) {
  return async (
    request: ReportRequest,
    options: GenerateOptions,
  ): Promise<{ stations: string[]; files: GeneratedFile[]; report: Report }> => {
    const now = (deps.now ?? Date.now)();
    const check = checkRequest(
      { ...request, formats: options.formats },
      {
        specs: deps.specs,
        formats: [...deps.formats.keys()],
        registry: deps.registry,
        scope: options.scope,
        now,
      },
    );
    if (!check.ok) throw new ReportRefusedError(check.refusal);
    const { report, files } = await generateReport(check.value, { ...deps, outDir: options.outDir });
    return { stations: check.value.request.stations, files, report };
  };
}
