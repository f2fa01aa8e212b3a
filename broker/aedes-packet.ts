import { createRequire } from 'node:module';

/**
 * aedes's own packet class (stamps broker id and counter, resets the message id), loaded as the copy
 * aedes itself loads, so `instanceof` agrees with aedes and its persistence.
 */
export const AedesPacket = createRequire(import.meta.resolve('aedes'))('aedes-packet') as new <
  T extends object,
>(
  original: T,
  broker?: unknown,
) => T & { brokerId: string; brokerCounter: number };
