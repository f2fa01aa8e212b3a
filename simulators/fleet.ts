import type { SimStation } from './stations/load.ts';

export type { SimStation } from './stations/load.ts';

/**
 * N load-test devices cloned round-robin from template stations (traits, district, operator, format),
 * with ids `load-<template id>-<n>`: the scale mode's fleet (ids stay within the 64-character limit).
 */
export function syntheticFleet(count: number, templates: readonly SimStation[]): SimStation[] {
  if (templates.length === 0) throw new Error('syntheticFleet needs at least one template station');
  const fleet: SimStation[] = [];
  for (let i = 0; i < count; i++) {
    const t = templates[i % templates.length] as SimStation;
    fleet.push({ ...t, id: `load-${t.id.slice(0, 40)}-${i}`, name: `${t.name} (load ${i})` });
  }
  return fleet;
}
