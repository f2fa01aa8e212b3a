// Types of alert-text.js (plain JavaScript so that the browser loads the same file).
import type { Translator } from './message.js';

/** Where an alert's limit comes from. */
export type AlertSource = 'standard' | 'local' | 'override' | 'catalogue';

/** An alert's message as data: the detail's catalogue key and parameters, and the limit's source. */
export type AlertText = {
  key: string;
  params: Record<string, string | number>;
  source: AlertSource;
  /** A cleared alert: the value it was raised with (in the alert's unit). */
  raised?: number;
};

export type WordedAlert = {
  station: string;
  rule: string;
  parameter?: string | undefined;
  state?: string | undefined;
  unit?: string | undefined;
  message?: string | undefined;
  standard?: string | undefined;
  text?: unknown;
};

export const ISPU_CATEGORIES: Record<string, { key: string; className: string }>;
export function ispuLabel(tr: Translator, category: string): string;
export function standardName(tr: Translator, id: string): string;
export function sourceName(tr: Translator, source: AlertSource, standard?: string): string;
export function usableText(tr: Translator, text: unknown): text is AlertText;
export function detailText(tr: Translator, text: AlertText): string;
export function alertMessage(tr: Translator, alert: WordedAlert): string;
