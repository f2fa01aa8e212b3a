// Types of display.js (plain JavaScript so that the browser loads the same file).

/** Code -> display form, one for every language or one per language. */
export const UNIT_DISPLAY: Readonly<Record<string, string | Readonly<Record<string, string>>>>;

/** The display form of a unit code in a language (Indonesian by default); unknown codes as they are. */
export function displayUnit(code: string | null | undefined, lang?: string): string;
