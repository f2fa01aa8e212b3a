import { h } from './dom.js';
import { fieldDescription } from './i18n.js';

// A field as people name it ("Konsentrasi massa PM2,5", `field.<kind>.<field>` of the catalogue), its
// code kept where a person may need it: the tooltip, and `data-field` for scripts and tests. A field
// the catalogue does not know (an older window, a typo kept in the records) shows as its code.

export function fieldLabel(kind, field) {
  return h('span', { class: 'field-name', title: field, 'data-field': field }, fieldDescription(kind, field));
}

/** Several fields, comma-separated, each named as above. */
export function fieldLabels(kind, fields) {
  return fields.map((f, i) => (i === 0 ? fieldLabel(kind, f) : [', ', fieldLabel(kind, f)]));
}
