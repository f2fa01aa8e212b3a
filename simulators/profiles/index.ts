import { airQualityProfile } from './air-quality.ts';
import type { Profile } from './types.ts';
import { wastewaterProfile } from './wastewater.ts';
import { waterNetworkProfile } from './water-network.ts';

/** One profile per catalogue kind; adding a kind adds one line here (simulators/README.md). */
export const profiles: Record<string, Profile> = {
  air_quality: airQualityProfile,
  wastewater: wastewaterProfile,
  water_network: waterNetworkProfile,
};
