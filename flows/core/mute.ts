import { type MaintenanceWindow, maintenanceLookup } from '../../lib/qa/windows.ts';

/**
 * Which alerts a maintenance window mutes. A rule's alerts are muted while its station is in a window
 * covering the rule's parameter: a window on the whole station mutes every rule of it (staleness and
 * the ISPU included), one on listed fields mutes the rules of those fields (the ISPU's parameter is
 * `ispu`, so only a whole-station window mutes it). Time is the reading's device time, so a reading
 * from inside a window that arrives late (a redelivery after an outage) stays muted; for rules judged
 * on the tick (staleness), the engine's clock.
 */
export function createMuting() {
  let inWindow: (station: string, field: string, t: number) => boolean = () => false;
  let count = 0;
  return {
    /** The windows as read from the records database; the previous set is replaced. */
    set(windows: readonly MaintenanceWindow[]) {
      inWindow = maintenanceLookup(windows);
      count = windows.length;
    },
    covers: (station: string, parameter: string, t: number) => inWindow(station, parameter, t),
    get count() {
      return count;
    },
  };
}
