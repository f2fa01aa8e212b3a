import { type AlertSource, type AlertText, alertMessage, sourceName } from '../../lib/i18n/alert-text.js';
import { type Language, translator } from '../../lib/i18n/index.ts';
import type { Alert } from './alert.ts';

/**
 * What an alert says, as data: each rule verdict names a catalogue key (`alert.detail.*` in
 * lib/i18n/locales/) and its parameters, so the message can be worded in any language, by the flows in
 * the deployment's (FLOWS_LANGUAGE) and by the console again in the viewer's. No sentence lives here.
 */
export type { AlertSource, AlertText };

export type Detail = Pick<AlertText, 'key' | 'params'>;

/** The unit of amounts that are time: a staleness alert's value and limit are seconds of silence. */
export const SECONDS = 's';

/** Values as they go into an alert and its message: three decimals, so both read the same. */
export const round = (n: number) => Math.round(n * 1000) / 1000;

/** Sets the alert's `message`: its `text` worded in the deployment's language (FLOWS_LANGUAGE). */
export function wordAlert(alert: Alert, language: Language | undefined): void {
  alert.message = alertMessage(translator(language), alert);
}

/** Where the alert's limit comes from, worded (the standard's citation, `local`, ...): the history's column. */
export function alertSourceText(alert: Alert, language: Language | undefined): string | undefined {
  if (!alert.text) return undefined;
  return sourceName(translator(language), alert.text.source, alert.standard);
}

export const detail = {
  /** Threshold, raise: the value and the bound it broke. */
  above: (value: number, limit: number, unit: string): Detail => ({
    key: 'alert.detail.above',
    params: { value: round(value), limit, unit },
  }),
  below: (value: number, limit: number, unit: string): Detail => ({
    key: 'alert.detail.below',
    params: { value: round(value), limit, unit },
  }),
  /** Threshold, clear: back inside the bound (or the range, when the rule has both). */
  backWithin: (value: number, limit: number, unit: string): Detail => ({
    key: 'alert.detail.back_within',
    params: { value: round(value), limit, unit },
  }),
  backWithinRange: (value: number, min: number, max: number, unit: string): Detail => ({
    key: 'alert.detail.back_within_range',
    params: { value: round(value), min, max, unit },
  }),
  /** Mean over a window against the limit, with the share of the window that holds data. */
  mean: (averaging: string, mean: number, limit: number, unit: string, coverage: number): Detail => ({
    key: 'alert.detail.mean',
    params: { averaging, mean: round(mean), limit, unit, coverage: Math.round(coverage * 100) },
  }),
  /** Rate, raise: fell (or rose) by `change` within the window, from one value to another. */
  change: (
    direction: 'fall' | 'rise',
    change: number,
    unit: string,
    windowS: number,
    from: number,
    to: number,
  ): Detail => ({
    key: direction === 'fall' ? 'alert.detail.fell' : 'alert.detail.rose',
    params: { change: round(change), unit, window: windowS, from: round(from), to: round(to) },
  }),
  recovered: (value: number, unit: string): Detail => ({
    key: 'alert.detail.recovered',
    params: { value: round(value), unit },
  }),
  /** Staleness, raise: silent this long against the limit (a station never heard from says so). */
  silent: (silentS: number, limitS: number, everHeard: boolean): Detail => ({
    key: everHeard ? 'alert.detail.silent' : 'alert.detail.silent_never',
    params: { silent: round(silentS), limit: limitS },
  }),
  /** Staleness, clear: the reading that ended the silence. */
  reportedAgain: (silentS: number): Detail => ({
    key: 'alert.detail.reported_again',
    params: { silent: round(silentS) },
  }),
  /** ISPU: the station value, its category (official name) and the dominant pollutant. */
  ispu: (ispu: number, category: string, dominant: string): Detail => ({
    key: 'alert.detail.ispu',
    params: { ispu, category, dominant },
  }),
  /** The clear when a station leaves the registry (its device revoked or removed). */
  noLongerRegistered: (): Detail => ({ key: 'alert.detail.no_longer_registered', params: {} }),
} as const;
