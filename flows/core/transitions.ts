import type { Alert } from './alert.ts';
import { type Detail, round } from './alert-text.ts';
import type { RuleBase, Verdict } from './rules/rule-type.ts';

type Raise = Verdict & { action: 'raise' };
type Clear = { value: number; detail: Detail };

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * The alert a raise verdict makes, raised at `now` (the engine's clock). Its message is data (`text`: a
 * catalogue key and its values), worded by the engine in the deployment's language and by the console in
 * each viewer's.
 */
export function raisedAlert(id: string, rule: RuleBase, station: string, v: Raise, now: number): Alert {
  const alert: Alert = {
    id,
    kind: rule.kind,
    station,
    rule: rule.id,
    rule_type: rule.ruleType,
    parameter: rule.parameter,
    state: 'raised',
    severity: v.severity ?? rule.severity,
    message: '',
    text: { ...v.detail, source: rule.source },
    value: round(v.value),
    limit: v.limit,
    unit: v.unit ?? rule.unit,
    provisional: rule.provisional,
    raised_at: iso(now),
  };
  if (rule.standard) alert.standard = rule.standard;
  if (rule.averaging) alert.averaging = rule.averaging;
  return alert;
}

/** The active alert as a clear verdict leaves it; a muted one stays muted (nobody was told of it). */
export function clearedAlert(raised: Alert, rule: RuleBase, v: Clear, now: number): Alert {
  return {
    ...raised,
    state: 'cleared',
    text: { ...v.detail, source: raised.text?.source ?? rule.source, raised: raised.value },
    value: round(v.value),
    cleared_at: iso(now),
  };
}

export const acknowledgedAlert = (alert: Alert, by: string, now: number): Alert => ({
  ...alert,
  state: 'acknowledged',
  acknowledged_by: by,
  acknowledged_at: iso(now),
});
