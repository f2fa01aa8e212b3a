import { ISPU_CATEGORIES, ispuLabel } from '../../lib/i18n/alert-text.js';
import { formatTime, h } from './dom.js';
import { t, words } from './i18n.js';

// The ISPU as the console shows it: the chip in the category's colour and, before the first value, why.

/** The ISPU with its category in the regulation's words and colour (English adds a gloss). */
export function ispuChip(ispu) {
  const category = ispuLabel(words(), ispu.category);
  const className = ISPU_CATEGORIES[ispu.category]?.className ?? '';
  return h(
    'span',
    { class: `ispu ${className}`, title: t('ispu.chip_title', { category }) },
    t('ispu.chip', { ispu: Math.round(ispu.ispu), category }),
  );
}

const HOUR = 3_600_000;
// What the shipped flows/rules.json "ispu" rule needs before its first value: PM2.5 in 18 of the 24
// hourly sub-periods of its 24 h window (minCoverage 0.75), computed when a station's readings enter
// a new hour. A site that changes the rule's coverage changes the wait, not this text's reasoning.
const ISPU_FIELD = 'pm25';
const ISPU_HOURS_NEEDED = 18;
const ISPU_WINDOW_H = 24;

/**
 * Why there is no ISPU yet, and when the first value is expected: from the earliest PM2.5 reading
 * the console has seen (a console started later only makes the estimate later, never earlier).
 */
export function ispuHint(stations, now) {
  const air = [...stations].filter((st) => st.kind === 'air_quality');
  if (air.length === 0) return t('ispu.hint.no_station');
  const starts = air
    .filter((st) => st.values?.[ISPU_FIELD] !== undefined && Number.isFinite(st.first_ts))
    .map((st) => st.first_ts);
  const rule = t('ispu.hint.rule', { hours: ISPU_HOURS_NEEDED, window: ISPU_WINDOW_H });
  if (starts.length === 0) return t('ispu.hint.waiting', { rule });
  const first = Math.min(...starts);
  const expected = (Math.floor(first / HOUR) + ISPU_HOURS_NEEDED) * HOUR;
  const since = formatTime(first);
  if (now > expected + HOUR) return t('ispu.hint.overdue', { since, rule });
  return t('ispu.hint.expected', { rule, since, expected: formatTime(expected) });
}
