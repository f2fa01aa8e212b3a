import type { Fault } from '../scenarios/schema.ts';

/** What the faults active at one instant did to a reading. */
export type FaultOutcome = {
  values: Record<string, number>;
  /** Device time as sent (skewed when the clock is off). */
  ts: number;
  /** 0 = dropped, 1 = sent once, 2 = duplicated. */
  copies: number;
  applied: string[];
};

/**
 * Applies sensor faults to one station's readings, in time order. Stateful only for `stuck`
 * (the value frozen at the fault's first reading). `random` is the station's fault stream, separate
 * from its value stream, so adding a fault never changes the values of anything else.
 */
export function createFaultApplier(faults: readonly Fault[], random: () => number) {
  const frozen = new Map<Fault, number>();
  return (hours: number, ts: number, input: Record<string, number>): FaultOutcome => {
    const values = { ...input };
    let copies = 1;
    let sentTs = ts;
    const applied: string[] = [];
    for (const fault of faults) {
      if (hours < fault.fromH || hours >= fault.toH) {
        frozen.delete(fault);
        continue;
      }
      switch (fault.type) {
        case 'stuck': {
          const value = values[fault.field];
          if (value === undefined) break;
          if (!frozen.has(fault)) frozen.set(fault, value);
          values[fault.field] = frozen.get(fault) ?? value;
          applied.push('stuck');
          break;
        }
        case 'drift': {
          const value = values[fault.field];
          if (value === undefined) break;
          values[fault.field] = Math.round((value + fault.perHour * (hours - fault.fromH)) * 1000) / 1000;
          applied.push('drift');
          break;
        }
        case 'spikes': {
          const value = values[fault.field];
          if (value !== undefined && random() < fault.probability) {
            values[fault.field] = Math.round(value * fault.factor * 1000) / 1000;
            applied.push('spike');
          }
          break;
        }
        case 'dropout':
          if (random() < fault.probability) {
            copies = 0;
            applied.push('dropout');
          }
          break;
        case 'clock_skew':
          sentTs = ts + fault.offsetMs;
          applied.push('clock_skew');
          break;
        case 'duplicate':
          if (random() < fault.probability) {
            copies = Math.max(copies, 2);
            applied.push('duplicate');
          }
          break;
      }
    }
    // A dropped reading stays dropped whatever else happened to it.
    if (applied.includes('dropout')) copies = 0;
    return { values, ts: sentTs, copies, applied };
  };
}
