import { findKind, type KindSpec, kinds } from '../../lib/catalogue/index.ts';

// Grafana dashboards as data derived from the catalogue: a new kind or field shows up after
// `node dashboards/grafana/generate.ts`, and a test fails when the committed JSON is out of date.

export const DATASOURCE = { type: 'influxdb', uid: 'depok-influxdb' } as const;

/** Measurements the alert flows write (not catalogue kinds): name -> fields the dashboards may read. */
export const FLOW_MEASUREMENTS: Record<string, readonly string[]> = { ispu: ['ispu'] };
export const TAGS = ['station', 'district', 'operator'] as const;

// Compliance lines drawn on the charts (../../standards: Permen LHK P.68/2016 domestic wastewater,
// Permenkes 2/2023 drinking water). Display only: the alert flows own the rules.
const LIMITS: Record<string, Record<string, { min?: number; max?: number }>> = {
  wastewater: {
    ph: { min: 6, max: 9 },
    bod: { max: 30 },
    cod: { max: 100 },
    tss: { max: 30 },
    oil_grease: { max: 5 },
    nh3n: { max: 10 },
    total_coliform: { max: 3000 },
  },
  water_network: { free_chlorine: { min: 0.2, max: 0.5 }, turbidity: { max: 3 }, ph: { min: 6.5, max: 8.5 } },
};

const GRAFANA_UNITS: Record<string, string> = {
  'ug/m3': 'conμgm3',
  degC: 'celsius',
  fraction: 'percentunit',
  hPa: 'pressurehpa',
  'm/s': 'velocityms',
  deg: 'degree',
  bar: 'pressurebar',
  m: 'lengthm',
};
const grafanaUnit = (unit: string) => GRAFANA_UNITS[unit] ?? `suffix: ${unit}`;

type Panel = Record<string, unknown>;
type Pos = { x: number; y: number; w: number; h: number };

function target(query: string, refId = 'A') {
  return { refId, datasource: DATASOURCE, rawQuery: true, resultFormat: 'time_series', query };
}

function timeseries(id: number, kind: KindSpec, field: string, gridPos: Pos): Panel {
  const spec = kind.fields[field];
  const limit = LIMITS[kind.id]?.[field];
  const steps: { color: string; value: number | null }[] = [{ color: 'green', value: null }];
  if (limit?.min !== undefined) steps[0] = { color: 'red', value: null };
  if (limit?.min !== undefined) steps.push({ color: 'green', value: limit.min });
  if (limit?.max !== undefined) steps.push({ color: 'red', value: limit.max });
  return {
    id,
    type: 'timeseries',
    title: `${spec?.description ?? field} (${spec?.unit ?? ''})`,
    datasource: DATASOURCE,
    gridPos,
    fieldConfig: {
      defaults: {
        unit: grafanaUnit(spec?.unit ?? ''),
        thresholds: { mode: 'absolute', steps },
        custom: { thresholdsStyle: { mode: limit ? 'line' : 'off' }, spanNulls: false },
      },
      overrides: [],
    },
    options: { legend: { displayMode: 'list', placement: 'bottom' }, tooltip: { mode: 'multi' } },
    targets: [
      target(
        `SELECT mean("${field}") FROM "${kind.id}" WHERE ("station" =~ /^$station$/) AND $timeFilter ` +
          `GROUP BY time($__interval), "station" fill(null)`,
      ),
    ],
  };
}

function stationVariable(kindId: string) {
  return {
    name: 'station',
    label: 'Station',
    type: 'query',
    datasource: DATASOURCE,
    query: `SHOW TAG VALUES FROM "${kindId}" WITH KEY = "station"`,
    refresh: 2,
    multi: true,
    includeAll: true,
    current: { selected: true, text: ['All'], value: ['$__all'] },
  };
}

function dashboard(uid: string, title: string, panels: Panel[], variables: unknown[], tags: string[]) {
  return {
    uid,
    title,
    tags: ['depok', ...tags],
    timezone: 'Asia/Jakarta',
    schemaVersion: 39,
    version: 1,
    editable: false,
    refresh: '1m',
    time: { from: 'now-24h', to: 'now' },
    templating: { list: variables },
    panels,
  };
}

function fieldGrid(kind: KindSpec, fields: string[], startId: number, startY: number): Panel[] {
  return fields.map((field, i) =>
    timeseries(startId + i, kind, field, { x: (i % 2) * 12, y: startY + Math.floor(i / 2) * 8, w: 12, h: 8 }),
  );
}

const ISPU_STEPS = [
  { color: 'green', value: null },
  { color: 'blue', value: 51 },
  { color: 'yellow', value: 101 },
  { color: 'red', value: 201 },
  { color: 'black', value: 301 },
];

function ispuPanel(id: number, gridPos: Pos, filtered: boolean): Panel {
  const where = filtered ? `("station" =~ /^$station$/) AND $timeFilter` : '$timeFilter';
  return {
    id,
    type: 'stat',
    title: 'ISPU (latest, Permen LHK P.14/2020 categories)',
    datasource: DATASOURCE,
    gridPos,
    fieldConfig: {
      defaults: { unit: 'none', decimals: 0, thresholds: { mode: 'absolute', steps: ISPU_STEPS } },
      overrides: [],
    },
    options: {
      colorMode: 'background',
      reduceOptions: { calcs: ['lastNotNull'] },
      textMode: 'value_and_name',
    },
    targets: [target(`SELECT last("ispu") FROM "ispu" WHERE ${where} GROUP BY "station"`)],
  };
}

function kindDashboard(kindId: string, uid: string, title: string, withIspu: boolean) {
  const kind = findKind(kindId);
  if (!kind) throw new Error(`unknown kind ${kindId}`);
  const head = withIspu ? [ispuPanel(1, { x: 0, y: 0, w: 24, h: 5 }, true)] : [];
  const panels = [...head, ...fieldGrid(kind, Object.keys(kind.fields), 10, withIspu ? 5 : 0)];
  return dashboard(uid, title, panels, [stationVariable(kind.id)], [kind.id]);
}

function cityOverview() {
  const panels: Panel[] = [ispuPanel(1, { x: 0, y: 0, w: 24, h: 5 }, false)];
  kinds.forEach((kind, i) => {
    const first = Object.keys(kind.fields)[0] ?? '';
    panels.push({
      id: 10 + i,
      type: 'timeseries',
      title: `${kind.title}: readings per interval`,
      datasource: DATASOURCE,
      gridPos: { x: (i % 3) * 8, y: 5, w: 8, h: 7 },
      fieldConfig: { defaults: { unit: 'short' }, overrides: [] },
      options: { legend: { displayMode: 'hidden', placement: 'bottom' } },
      targets: [
        target(
          `SELECT count("${first}") FROM "${kind.id}" WHERE $timeFilter GROUP BY time($__interval) fill(0)`,
        ),
      ],
    });
    panels.push({
      id: 20 + i,
      type: 'table',
      title: `${kind.title}: last value per station`,
      datasource: DATASOURCE,
      gridPos: { x: 0, y: 12 + i * 8, w: 24, h: 8 },
      options: { showHeader: true },
      transformations: [{ id: 'seriesToColumns', options: { byField: 'station' } }],
      targets: Object.keys(kind.fields)
        .slice(0, 4)
        .map((field, j) => ({
          ...target(
            `SELECT last("${field}") AS "${field}" FROM "${kind.id}" WHERE $timeFilter GROUP BY "station"`,
            String.fromCharCode(65 + j),
          ),
          resultFormat: 'table',
        })),
    });
  });
  return dashboard('depok-city-overview', 'Depok: city overview', panels, [], ['overview']);
}

/** Every provisioned dashboard: file name -> JSON. */
export function buildDashboards(): Record<string, unknown> {
  return {
    'city-overview.json': cityOverview(),
    'air-quality.json': kindDashboard(
      'air_quality',
      'depok-air-quality',
      'Depok: air quality and ISPU',
      true,
    ),
    'wastewater.json': kindDashboard('wastewater', 'depok-wastewater', 'Depok: wastewater compliance', false),
    'water-network.json': kindDashboard(
      'water_network',
      'depok-water-network',
      'Depok: water network',
      false,
    ),
  };
}

export function renderJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}
