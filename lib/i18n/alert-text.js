// An alert's message from its structured fields, in any language: the flows word it in the language of
// the deployment (FLOWS_LANGUAGE) and the console words it again in the viewer's. Plain JavaScript shared
// with the browser, like message.js; types in alert-text.d.ts.
//
// An alert carries `text`: {key, params, source, raised?} (flows/core/alert-text.ts builds it) and, when
// its limit comes from a standard, `standard` (the standards.json id). An alert without a usable `text`
// (an older flows version, another producer) is shown by its `message` as it came.

/** ISPU categories as Permen LHK P.14/2020 names them, with their catalogue key and console colour. */
export const ISPU_CATEGORIES = {
  Baik: { key: 'ispu.baik', className: 'ispu-baik' },
  Sedang: { key: 'ispu.sedang', className: 'ispu-sedang' },
  'Tidak Sehat': { key: 'ispu.tidak_sehat', className: 'ispu-tidak-sehat' },
  'Sangat Tidak Sehat': { key: 'ispu.sangat_tidak_sehat', className: 'ispu-sangat' },
  Berbahaya: { key: 'ispu.berbahaya', className: 'ispu-berbahaya' },
};

/** The official category name; in English with a gloss ("Tidak Sehat (unhealthy)"). */
export function ispuLabel(tr, category) {
  const c = Object.hasOwn(ISPU_CATEGORIES, category) ? ISPU_CATEGORIES[category] : undefined;
  return c ? tr.t(c.key) : String(category);
}

/** A standard by its citation ("PP 22/2021 Lampiran VII"): `standard.<id>` in the catalogue, else its id. */
export function standardName(tr, id) {
  const key = `standard.${id}`;
  return tr.has(key) ? tr.t(key) : String(id);
}

const SOURCE_KEYS = {
  local: 'alert.source.local',
  override: 'alert.source.override',
  catalogue: 'alert.source.catalogue',
};

/** Where the limit comes from: the standard's citation, a local number, a local override of a standard. */
export function sourceName(tr, source, standard) {
  if (source === 'standard' && standard) return standardName(tr, standard);
  const key = SOURCE_KEYS[source] ?? SOURCE_KEYS.local;
  return tr.t(key, { standard: standard ? standardName(tr, standard) : '' });
}

const isPrimitive = (v) => typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v));

/** Whether `text` is one this code can word: a detail key of the catalogue and plain parameters. */
export function usableText(tr, text) {
  if (typeof text !== 'object' || text === null) return false;
  if (typeof text.key !== 'string' || !text.key.startsWith('alert.detail.') || !tr.has(text.key))
    return false;
  const params = text.params ?? {};
  return typeof params === 'object' && Object.values(params).every(isPrimitive);
}

/** What the rule says ("4 NTU, di atas 3 NTU"); ISPU categories by their official name. */
export function detailText(tr, text) {
  const params = { ...text.params };
  if (typeof params.category === 'string') params.category = ispuLabel(tr, params.category);
  // The alert keeps the unit code (flows/core/alert-text.ts); people read it as they write it.
  if (typeof params.unit === 'string') params.unit = tr.unit(params.unit);
  return tr.t(text.key, params);
}

/**
 * `<station>: <parameter> <detail> (<rule>; <source>)`, and for a cleared alert the value it was raised
 * with, named as such (the alert's `value` is the clearing one).
 */
export function alertMessage(tr, alert) {
  const text = alert.text;
  if (!usableText(tr, text)) return typeof alert.message === 'string' ? alert.message : '';
  const message = tr.t('alert.message', {
    station: alert.station,
    parameter: alert.parameter ?? alert.rule,
    detail: detailText(tr, text),
    rule: alert.rule,
    source: sourceName(tr, text.source, alert.standard),
  });
  if (alert.state !== 'cleared' || !isPrimitive(text.raised)) return message;
  return tr.t('alert.message_cleared', { message, raised: tr.amount(Number(text.raised), alert.unit) });
}
