import { findKind } from '../../lib/catalogue/index.ts';
import type { KindModel } from '../../lib/catalogue/simulation/model.ts';
import { ConfigError } from '../../lib/config.ts';
import { models as defaultModels } from '../profiles/index.ts';
import type { SimStation } from '../stations/load.ts';
import { type Scenario, targets } from './schema.ts';

/**
 * Checks a scenario against a fleet before anything runs: every target matches a station, every
 * driver is one its stations' models read, every field exists in the catalogue. Returns the problems.
 */
export function scenarioProblems(
  scenario: Scenario,
  stations: readonly SimStation[],
  models: Record<string, KindModel> = defaultModels,
): string[] {
  const problems: string[] = [];
  const ids = new Set(stations.map((s) => s.id));
  for (const event of scenario.events) {
    const hit = stations.filter((s) => targets(event.targets, s));
    for (const id of event.targets.stations ?? [])
      if (!ids.has(id)) problems.push(`event '${event.name}': no station '${id}'`);
    if (hit.length === 0) problems.push(`event '${event.name}' targets no station`);
    for (const station of hit) {
      const known = models[station.kind]?.drivers ?? [];
      for (const name of Object.keys(event.drivers))
        if (!known.includes(name))
          problems.push(
            `event '${event.name}': kind ${station.kind} has no driver '${name}' (known: ${known.join(', ')})`,
          );
    }
  }
  scenario.faults.forEach((fault, i) => {
    const hit = stations.filter((s) => targets(fault.targets, s));
    if (hit.length === 0) problems.push(`faults.${i} (${fault.type}) targets no station`);
    if ('field' in fault)
      for (const station of hit)
        if (!findKind(station.kind)?.fields[fault.field])
          problems.push(`faults.${i}: ${station.kind} has no field '${fault.field}'`);
  });
  for (const e of scenario.expect) {
    const station = stations.find((s) => s.id === e.station);
    if (!station) problems.push(`expect: no station '${e.station}'`);
    else if (!findKind(station.kind)?.fields[e.field])
      problems.push(`expect: ${station.kind} has no field '${e.field}'`);
  }
  return [...new Set(problems)];
}

export function assertScenarioFits(
  scenario: Scenario,
  stations: readonly SimStation[],
  models?: Record<string, KindModel>,
): void {
  const problems = scenarioProblems(scenario, stations, models);
  if (problems.length > 0)
    throw new ConfigError(
      `scenario ${scenario.id} does not fit the station catalogue:\n  ${problems.join('\n  ')}`,
    );
}
