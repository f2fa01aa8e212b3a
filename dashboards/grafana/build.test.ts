import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findKind, kinds } from '../../lib/catalogue/index.ts';
import { buildDashboards, DATASOURCE, FLOW_MEASUREMENTS, TAGS } from './build.ts';

const PROVISIONING = join(import.meta.dirname, 'provisioning');
const JSON_DIR = join(PROVISIONING, 'dashboards', 'json');

type Target = { query: string };
type Panel = { title: string; datasource: { uid: string }; targets: Target[] };
type Dashboard = { uid: string; panels: Panel[]; templating: { list: { query: string }[] } };

function fieldsOf(measurement: string): readonly string[] | undefined {
  const kind = findKind(measurement);
  return kind ? Object.keys(kind.fields) : FLOW_MEASUREMENTS[measurement];
}

/** Every measurement, field and tag an InfluxQL statement names. */
function names(query: string) {
  return {
    measurements: [...query.matchAll(/FROM "([^"]+)"/g)].map((m) => m[1] ?? ''),
    fields: [...query.matchAll(/\b(?:mean|last|count|max|min)\("([^"]+)"\)/g)].map((m) => m[1] ?? ''),
    // Whatever else is a quoted identifier (WHERE, GROUP BY, WITH KEY) must be a tag; aliases are fields.
    tags: [...query.matchAll(/(FROM |AS |\b(?:mean|last|count|max|min)\()?"([^"]+)"/g)]
      .filter((m) => m[1] === undefined)
      .map((m) => m[2] ?? ''),
  };
}

describe('Grafana provisioning', () => {
  const built = buildDashboards() as Record<string, Dashboard>;

  it('commits exactly what the generator builds from the catalogue', () => {
    expect(readdirSync(JSON_DIR).sort()).toEqual(Object.keys(built).sort());
    for (const [file, dashboard] of Object.entries(built)) {
      const committed = JSON.parse(readFileSync(join(JSON_DIR, file), 'utf8'));
      expect(committed, `${file} is stale: run node dashboards/grafana/generate.ts`).toEqual(dashboard);
    }
  });

  it('queries only measurements, fields and tags that exist', () => {
    let queries = 0;
    for (const dashboard of Object.values(built)) {
      const statements = [
        ...dashboard.panels.flatMap((p) => p.targets.map((t) => t.query)),
        ...dashboard.templating.list.map((v) => v.query),
      ];
      for (const q of statements) {
        queries += 1;
        const found = names(q);
        expect(found.measurements.length, q).toBe(1);
        const fields = fieldsOf(found.measurements[0] ?? '');
        expect(fields, `unknown measurement in ${q}`).toBeDefined();
        for (const field of found.fields) expect(fields, q).toContain(field);
        for (const tag of found.tags) expect(TAGS, q).toContain(tag);
      }
    }
    expect(queries).toBeGreaterThan(kinds.reduce((n, k) => n + Object.keys(k.fields).length, 0));
  });

  it('has a panel per catalogue field and points every panel at the provisioned datasource', () => {
    const datasource = readFileSync(join(PROVISIONING, 'datasources', 'influxdb.yml'), 'utf8');
    expect(datasource).toContain(`uid: ${DATASOURCE.uid}`);
    expect(datasource).toContain('type: influxdb');
    const provider = readFileSync(join(PROVISIONING, 'dashboards', 'depok.yml'), 'utf8');
    expect(provider).toContain('path: /etc/grafana/provisioning/dashboards/json');
    const all = Object.values(built).flatMap((d) => d.panels);
    for (const panel of all) expect(panel.datasource.uid).toBe(DATASOURCE.uid);
    for (const kind of kinds) {
      for (const field of Object.keys(kind.fields)) {
        const q = `mean("${field}") FROM "${kind.id}"`;
        expect(
          all.some((p) => p.targets.some((t) => t.query.includes(q))),
          q,
        ).toBe(true);
      }
    }
    expect(
      names('SELECT mean("pm25") FROM "air_quality" WHERE ("station" =~ /x/) GROUP BY "station"').tags,
    ).toEqual(['station', 'station']);
  });
});
