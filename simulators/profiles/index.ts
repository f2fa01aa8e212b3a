import { shippedKinds } from '../../lib/catalogue/kinds/index.ts';
import type { KindModel } from '../../lib/catalogue/simulation/model.ts';

/** One model per catalogue kind, read from the kind folders (lib/catalogue/kinds/<kind>/profile.ts). */
export const models: Record<string, KindModel> = Object.fromEntries(
  shippedKinds.map(({ spec, model }) => [spec.id, model]),
);

/**
 * Registers a model at run time: for a kind added by data (a declarative profile file) or by a
 * plug-in. Refuses to replace a kind silently.
 */
export function registerModel(kind: string, model: KindModel): void {
  if (models[kind]) throw new Error(`a simulator model for kind '${kind}' is already registered`);
  models[kind] = model;
}
