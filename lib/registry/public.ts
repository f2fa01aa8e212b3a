import type { Device } from './schema.ts';

/**
 * Whether a device's data may be shown to anyone (the citizen page, the open-data API; issue 17).
 * As data, in this order: a revoked device never is; an explicit `public` attribute decides; otherwise
 * every station is public except an industry's self-monitoring outfall (`self_monitoring: true`), whose
 * figures the company reports to the agency under its permit and which the agency publishes only by
 * choice.
 */
export function isPublicStation(device: Pick<Device, 'revoked' | 'public' | 'self_monitoring'>): boolean {
  if (device.revoked) return false;
  if (device.public !== undefined) return device.public;
  return device.self_monitoring !== true;
}
