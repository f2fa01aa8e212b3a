// Types of message.js (plain JavaScript so that the browser loads the same file).

export const TIME_ZONE: 'Asia/Jakarta';

export type Params = Record<string, string | number | boolean | null | undefined>;

type Node = string | { hash: true } | { name: string; type?: string; options?: Record<string, Node[]> };
export function parse(pattern: string): Node[];

/** The arguments a message takes, as `name` or `name:type`, sorted. */
export function placeholders(pattern: string): string[];

export type Translator = {
  lang: string;
  /** The Intl locale of the catalogue (`meta.locale`). */
  locale: string;
  has(key: string): boolean;
  t(key: string, params?: Params): string;
  number(n: number, options?: Intl.NumberFormatOptions): string;
  /** Four significant digits in the language's format. */
  measure(n: number): string;
  duration(seconds: number): string;
  averaging(text: string): string;
  dateTime(value: number | string | undefined, options?: { seconds?: boolean }): string;
  /** A unit code as people write it in this language ("ug/m3" -> "µg/m³"); unknown codes as they are. */
  unit(code: string | null | undefined): string;
  /** A value with its unit (shown as people write it); unit `s` as a duration. */
  amount(value: number, unit: string | undefined): string;
};

export function createTranslator(lang: string, messages: Readonly<Record<string, string>>): Translator;
