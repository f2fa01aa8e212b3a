import type { KindModel } from '../simulation/model.ts';
import type { KindSpec } from '../spec.ts';
import { airQuality } from './air-quality/kind.ts';
import { airQualityModel } from './air-quality/profile.ts';
import { wastewater } from './wastewater/kind.ts';
import { wastewaterModel } from './wastewater/profile.ts';
import { waterNetwork } from './water-network/kind.ts';
import { waterNetworkModel } from './water-network/profile.ts';

/** A shipped kind: its catalogue entry and the simulator model that produces its readings. */
type ShippedKind = { spec: KindSpec; model: KindModel };

/**
 * Every kind that ships with the project, so the broker, ingest, flows and simulator processes all know
 * it. Adding a kind: a folder beside this file (kind.ts, examples.ts, profile.ts) and one line here
 * (../README.md "Adding a kind").
 */
export const shippedKinds: readonly ShippedKind[] = [
  { spec: airQuality, model: airQualityModel },
  { spec: wastewater, model: wastewaterModel },
  { spec: waterNetwork, model: waterNetworkModel },
];
