import { translator } from '../i18n/index.ts';
import type { Scope } from '../records/access.ts';
import type { Device } from '../registry/schema.ts';
import { generateReport } from './generate.ts';
import type {
  FormatSpec,
  Report,
  ReportFormat,
  ReportRequest,
  ReportTypeSpec,
  StationMeta,
} from './model.ts';
import { checkRequest, type RequestCheck } from './request.ts';
import type { ReportGenerator } from './run.ts';
import type { StationSource } from './source.ts';
import { reportTypes } from './types/index.ts';

/**
 * lib/reports' generation behind the run bookkeeping (run.ts), as the scheduler and the console use it:
 * each request checked against the registry and the requester's scope (lib/reports/request.ts), then
 * generateReport over the station source (InfluxDB and the records database). A refused request throws with the English
 * text of its catalogue message, which the failed run then records.
 */

export type GeneratorOptions = {
  /** Where the numbers come from: lib/reports/influx-source.ts over InfluxDB and the records. */
  source: StationSource;
  /** The registry's stations now (read at each run: devices come and go). */
  stations: () => Promise<readonly StationMeta[]>;
  agency: Report['agency'];
  /** lib/reports/formats.ts `FORMATS` (given, not imported here: the PDF format reaches Chromium). */
  formats: ReadonlyMap<ReportFormat, FormatSpec>;
  specs?: readonly ReportTypeSpec[];
  now: () => number;
};

/** The stations of a registry as reports name them; revoked devices are left out. */
export function registryStations(devices: readonly Device[]): StationMeta[] {
  return devices
    .filter((d) => !d.revoked)
    .map((d) => ({
      id: d.id,
      name: d.name ?? d.id,
      kind: d.kind,
      district: d.district,
      operator: d.operator,
      lat: d.lat,
      lon: d.lon,
    }));
}

const english = translator('en');

export function reportGenerator(options: GeneratorOptions): ReportGenerator {
  const { formats } = options;
  const { source } = options;
  const check = async (request: ReportRequest, asked: ReportFormat[], scope: Scope): Promise<RequestCheck> =>
    checkRequest(
      { ...request, formats: asked },
      {
        specs: options.specs ?? reportTypes,
        formats: [...formats.keys()],
        registry: await options.stations(),
        scope,
        now: options.now(),
      },
    );
  return {
    async check(request, asked, scope) {
      const checked = await check(request, asked, scope);
      return checked.ok ? undefined : checked.refusal;
    },
    async generate(request, { formats: asked, outDir, scope }) {
      const checked = await check(request, asked, scope);
      if (!checked.ok) throw new Error(english.t(checked.refusal.key, checked.refusal.params));
      const { files } = await generateReport(checked.value, {
        source,
        formats,
        outDir,
        agency: options.agency,
        now: options.now,
      });
      return { stations: checked.value.stations.map((s) => s.id), files };
    },
  };
}
