import type { FieldSpec, KindSpec } from '../catalogue/spec.ts';
import { findLimit, type StandardsFile } from '../standards/index.ts';

/**
 * A field's validity block (lib/catalogue/spec.ts ValiditySpecSchema) resolved into plain numbers, once
 * per kind: the hot path compares numbers and never looks at optional keys. A check that is off holds a
 * value no reading can cross (-Infinity, Infinity, 0 for counts and rates).
 */
export type FieldRule = {
  /** Code 11 at or below this. */
  impossibleAtOrBelow: number;
  /** Code 12 above this. */
  ceiling: number;
  /** Code 15 at or below this (the range's low end plus epsilon). */
  spanLow: number;
  /** Code 15 at or above this (the range's high end minus epsilon). */
  spanHigh: number;
  /** Code 13 from this many identical values on; 0 = off. */
  flatLineCount: number;
  /** Values at or below flatLow, or at or above flatHigh, never make a flat line. */
  flatLow: number;
  flatHigh: number;
  /** Code 14 beyond this jump per minute; 0 = off. */
  spikePerMinute: number;
  /** And, when above 0, at least this ratio between the new value and the last good one. */
  spikeFactor: number;
};

/** Device time against arrival time: how far ahead or behind is a clock problem (code 18). */
export type ClockRule = {
  /** Device time more than this ahead of arrival; Infinity = off. */
  aheadMs: number;
  /** Device time more than this behind arrival; Infinity = off. */
  behindMs: number;
};

/** Share of the range within which a value counts as at its end, when the field does not say. */
export const DEFAULT_SPAN_EPSILON_SHARE = 0.001;

/**
 * The rule of one field. `standards` resolves `plausibleMaxFactorOfLimit` (the limit of the field's own
 * parameter name, in the field's unit: a ceiling never compares unlike units); it throws when the
 * limit does not resolve to exactly one entry. The catalogue's schema makes the same check when an entry
 * is parsed, so a kind that got into the catalogue always resolves.
 */
export function fieldRule(name: string, field: FieldSpec, standards?: StandardsFile): FieldRule {
  const v = field.validity ?? {};
  const epsilon = v.spanEpsilon ?? (field.max - field.min) * DEFAULT_SPAN_EPSILON_SHARE;
  const saturates = v.saturatesAt;
  return {
    impossibleAtOrBelow: v.impossibleAtOrBelow ?? Number.NEGATIVE_INFINITY,
    ceiling: ceilingOf(name, field, standards),
    spanLow: saturates === 'min' || saturates === 'both' ? field.min + epsilon : Number.NEGATIVE_INFINITY,
    spanHigh: saturates === 'max' || saturates === 'both' ? field.max - epsilon : Number.POSITIVE_INFINITY,
    flatLineCount: v.flatLineCount ?? 0,
    flatLow: v.flatLineExceptAtOrBelow ?? Number.NEGATIVE_INFINITY,
    flatHigh: v.flatLineExceptAtOrAbove ?? Number.POSITIVE_INFINITY,
    spikePerMinute: v.spikePerMinute ?? 0,
    spikeFactor: v.spikeFactor ?? 0,
  };
}

function ceilingOf(name: string, field: FieldSpec, standards: StandardsFile | undefined): number {
  const v = field.validity;
  if (v?.plausibleMax !== undefined) return v.plausibleMax;
  const byLimit = v?.plausibleMaxFactorOfLimit;
  if (!byLimit) return Number.POSITIVE_INFINITY;
  if (!standards) throw new Error(`${name}: plausibleMaxFactorOfLimit needs the standards file`);
  const limit = findLimit(standards, byLimit.standard, {
    parameter: name,
    bound: 'max',
    averaging: byLimit.averaging,
    unit: field.unit,
  });
  return limit.value * byLimit.factor;
}

/** Every field's rule, in the kind's field order (the index is the field's slot in a station's state). */
export function kindRules(
  kind: KindSpec,
  standards?: StandardsFile,
): { names: string[]; rules: FieldRule[] } {
  const names = Object.keys(kind.fields);
  return { names, rules: names.map((name) => fieldRule(name, kind.fields[name] as FieldSpec, standards)) };
}

/** The clock rule from the ingest's settings: 0 turns a direction off. */
export function clockRule(aheadMs: number, behindMs: number): ClockRule {
  const off = Number.POSITIVE_INFINITY;
  return { aheadMs: aheadMs > 0 ? aheadMs : off, behindMs: behindMs > 0 ? behindMs : off };
}
