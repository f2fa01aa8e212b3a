import type { Setting } from './declare.ts';

const SIZES: [string, number][] = [
  ['GiB', 1024 ** 3],
  ['MiB', 1024 ** 2],
  ['KiB', 1024],
];
const DURATIONS: [string, string, number][] = [
  ['day', 'days', 86_400_000],
  ['h', 'h', 3_600_000],
  ['min', 'min', 60_000],
];

/** "1 GiB", "30 days": large sizes and durations read at a glance; the variable's suffix says which. */
function readable(variable: string, value: number): string | undefined {
  if (variable.endsWith('_BYTES')) {
    const [unit, size] = SIZES.find(([, size]) => value >= size && value % size === 0) ?? [];
    return unit && size ? `${value / size} ${unit}` : undefined;
  }
  const ms = variable.endsWith('_MS') ? value : /_(S|SECONDS)$/.test(variable) ? value * 1000 : undefined;
  if (ms === undefined || ms < 60_000) return undefined;
  const [one, many, size] = DURATIONS.find(([, , size]) => ms % size === 0) ?? [];
  return size ? `${ms / size} ${ms === size ? one : many}` : undefined;
}

function code(value: unknown): string {
  if ((Array.isArray(value) && value.length === 0) || value === '') return '-';
  return `\`${Array.isArray(value) ? value.join(',') : typeof value === 'object' ? JSON.stringify(value) : String(value)}\``;
}

function defaultCell(s: Setting): string {
  let cell: string;
  if (s.shown !== undefined) cell = s.shown;
  else if (s.required) cell = '(required)';
  else if (s.default === undefined) cell = '-';
  else {
    const extra = typeof s.default === 'number' ? readable(s.env, s.default) : undefined;
    cell = extra ? `${code(s.default)} (${extra})` : code(s.default);
  }
  if (!s.secret) return cell;
  return cell === '(required)' ? '(required, secret)' : `${cell} (secret)`;
}

function row(cells: string[]): string {
  return `| ${cells.map((c) => c.replaceAll('|', '\\|')).join(' | ')} |`;
}

export type TableOptions = {
  /** Adds a "used by" column (the root README's table of settings several services share). */
  usedBy?: (s: Setting) => string;
};

/** The README table of these settings, one row per variable, in the order given. */
export function settingsTable(settings: readonly Setting[], options: TableOptions = {}): string {
  const { usedBy } = options;
  const head = usedBy ? ['variable', 'default', 'used by', 'meaning'] : ['variable', 'default', 'meaning'];
  const lines = [row(head), `|${head.map(() => '---').join('|')}|`];
  for (const s of settings) {
    const variable = s.fallback ? `\`${s.env}\` (else \`${s.fallback}\`)` : `\`${s.env}\``;
    const cells = [variable, defaultCell(s), ...(usedBy ? [usedBy(s)] : []), s.meaning];
    lines.push(row(cells));
  }
  return lines.join('\n');
}
