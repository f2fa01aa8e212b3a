// The alert history (issue 14): the flows write one point per alert transition to InfluxDB's `alerts`
// measurement (flows/README.md "The `alerts` measurement"); this folds the points of each episode, from
// its raise to its clear, into one row. Pure: points in, rows out.

/** Transitions as the `state` tag names them; `escalated` leaves the alert itself `raised`. */
export const TransitionStates = ['raised', 'acknowledged', 'escalated', 'cleared'] as const;
export type TransitionState = (typeof TransitionStates)[number];

/** One point of `alerts`, as read back (epoch ms; absent fields undefined). */
export type AlertPoint = {
  time: number;
  kind: string;
  station: string;
  rule: string;
  state: TransitionState;
  severity?: string | undefined;
  rule_type?: string | undefined;
  parameter?: string | undefined;
  message?: string | undefined;
  value?: number | undefined;
  limit?: number | undefined;
  unit?: string | undefined;
  averaging?: string | undefined;
  standard?: string | undefined;
  provisional?: boolean | undefined;
  raised_at?: string | undefined;
  raised_value?: number | undefined;
  acknowledged_at?: string | undefined;
  acknowledged_by?: string | undefined;
  comment?: string | undefined;
  escalated_at?: string | undefined;
};

/** One alert from raise to clear. Times are epoch ms; null when no point said it. */
export type AlertEpisode = {
  id: string;
  kind: string;
  station: string;
  rule: string;
  rule_type: string | null;
  parameter: string | null;
  severity: string | null;
  raised_at: number | null;
  acknowledged_at: number | null;
  acknowledged_by: string | null;
  comment: string | null;
  escalated_at: number | null;
  cleared_at: number | null;
  /** From raise to clear, in seconds. */
  duration_s: number | null;
  /** The value the alert was raised with (the engine does not follow a peak while it is active). */
  raised_value: number | null;
  /** The value that cleared it. */
  cleared_value: number | null;
  limit: number | null;
  unit: string | null;
  averaging: string | null;
  standard: string | null;
  provisional: boolean | null;
  /** The cleared message (what cleared it), else the last message seen. */
  message: string | null;
};

const ms = (iso: string | undefined): number | undefined => {
  if (iso === undefined) return undefined;
  const t = Date.parse(iso);
  return Number.isFinite(t) ? t : undefined;
};

const ORDER: Record<TransitionState, number> = { raised: 0, acknowledged: 1, escalated: 2, cleared: 3 };

function blank(p: AlertPoint, id: string): AlertEpisode {
  return {
    id,
    kind: p.kind,
    station: p.station,
    rule: p.rule,
    rule_type: null,
    parameter: null,
    severity: null,
    raised_at: null,
    acknowledged_at: null,
    acknowledged_by: null,
    comment: null,
    escalated_at: null,
    cleared_at: null,
    duration_s: null,
    raised_value: null,
    cleared_value: null,
    limit: null,
    unit: null,
    averaging: null,
    standard: null,
    provisional: null,
    message: null,
  };
}

/** A transition's own point says its time; any later point carries the earlier ones as fields. */
function merge(e: AlertEpisode, p: AlertPoint): void {
  if (p.state === 'raised') {
    e.raised_at ??= p.time;
    e.raised_value ??= p.value ?? null;
  } else if (p.state === 'acknowledged') e.acknowledged_at ??= ms(p.acknowledged_at) ?? p.time;
  else if (p.state === 'escalated') e.escalated_at ??= ms(p.escalated_at) ?? p.time;
  else {
    e.cleared_at = p.time;
    e.cleared_value = p.value ?? null;
  }
  e.raised_at ??= ms(p.raised_at) ?? null;
  e.raised_value ??= p.raised_value ?? null;
  e.acknowledged_at ??= ms(p.acknowledged_at) ?? null;
  e.acknowledged_by ??= p.acknowledged_by ?? null;
  e.comment ??= p.comment ?? null;
  e.escalated_at ??= ms(p.escalated_at) ?? null;
  e.rule_type ??= p.rule_type ?? null;
  e.parameter ??= p.parameter ?? null;
  e.severity ??= p.severity ?? null;
  e.limit ??= p.limit ?? null;
  e.unit ??= p.unit ?? null;
  e.averaging ??= p.averaging ?? null;
  e.standard ??= p.standard ?? null;
  e.provisional ??= p.provisional ?? null;
  if (p.message !== undefined) e.message = p.message;
}

/**
 * Folds transitions into episodes, in any order given. An episode is `<kind>/<station>/<rule>` plus
 * its raise time: every point carries `raised_at`. Points written before that field existed join the
 * latest raise of the same alert before them (the engine holds one active alert per id).
 */
export function foldEpisodes(points: readonly AlertPoint[]): AlertEpisode[] {
  const sorted = [...points].sort((a, b) => a.time - b.time || ORDER[a.state] - ORDER[b.state]);
  const episodes = new Map<string, AlertEpisode>();
  const open = new Map<string, string>();
  for (const p of sorted) {
    const id = `${p.kind}/${p.station}/${p.rule}`;
    const raised = ms(p.raised_at) ?? (p.state === 'raised' ? p.time : undefined);
    const key = raised !== undefined ? `${id}@${raised}` : (open.get(id) ?? `${id}@?${p.time}`);
    let episode = episodes.get(key);
    if (!episode) {
      episode = blank(p, id);
      episodes.set(key, episode);
    }
    merge(episode, p);
    if (p.state === 'cleared') open.delete(id);
    else open.set(id, key);
  }
  for (const e of episodes.values())
    if (e.raised_at !== null && e.cleared_at !== null) e.duration_s = (e.cleared_at - e.raised_at) / 1000;
  return [...episodes.values()];
}

/** Where a page ends: the last row's clear time and id (rows run newest clear first, then by id). */
export type HistoryCursor = { t: number; id: string };

export type HistoryPage = { rows: AlertEpisode[]; next: HistoryCursor | null };

/**
 * One page of cleared episodes from the points of one query, newest clear first. `after` is the cursor
 * asked with; `oldestRead` is the time of the oldest point when the query hit its point cap (else
 * undefined): clears at or before it may be missing from these points, so the page stops there.
 */
export function historyPage(
  points: readonly AlertPoint[],
  limit: number,
  after?: HistoryCursor,
  oldestRead?: number,
): HistoryPage {
  const rows = foldEpisodes(points)
    .filter((e): e is AlertEpisode & { cleared_at: number } => e.cleared_at !== null)
    .filter((e) => !after || e.cleared_at < after.t || (e.cleared_at === after.t && e.id > after.id))
    .filter((e) => oldestRead === undefined || e.cleared_at > oldestRead)
    .sort((a, b) => b.cleared_at - a.cleared_at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const page = rows.slice(0, limit);
  const last = page.at(-1) as (AlertEpisode & { cleared_at: number }) | undefined;
  if (rows.length > limit && last) return { rows: page, next: { t: last.cleared_at, id: last.id } };
  if (oldestRead !== undefined) return { rows: page, next: { t: oldestRead, id: '' } };
  return { rows: page, next: null };
}
