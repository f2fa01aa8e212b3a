import { type Translator, translator } from '../../lib/i18n/index.ts';

type Params = Parameters<Translator['t']>[1];

/**
 * An error answer of the console's API: `error` in English for scripts and logs (stable whatever the
 * caller's language), `code` the catalogue key (`error.*` in lib/i18n/locales/) and `params` its values,
 * from which the console shows the message in the viewer's language.
 */
export type Problem = { error: string; code: string; params?: Params };

const english = translator('en');

export function problem(code: string, params?: Params): Problem {
  return params ? { error: english.t(code, params), code, params } : { error: english.t(code), code };
}
