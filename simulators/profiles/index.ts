import { airQualityModel } from './air-quality.ts';
import type { KindModel, Profile } from './types.ts';
import { wastewaterModel } from './wastewater.ts';
import { waterNetworkModel } from './water-network.ts';

/** One model per catalogue kind; adding a kind adds one line here (simulators/README.md). */
export const models: Record<string, KindModel> = {
  air_quality: airQualityModel,
  wastewater: wastewaterModel,
  water_network: waterNetworkModel,
};

/** The profile functions alone, keyed by kind (what the catalogue test checks). */
export const profiles: Record<string, Profile> = Object.fromEntries(
  Object.entries(models).map(([kind, model]) => [kind, model.profile]),
);

/**
 * Registers a model at run time: for a kind added by data (a declarative profile file) or by a
 * plug-in. Refuses to replace a kind silently.
 */
export function registerModel(kind: string, model: KindModel): void {
  if (models[kind]) throw new Error(`a simulator model for kind '${kind}' is already registered`);
  models[kind] = model;
  profiles[kind] = model.profile;
}
