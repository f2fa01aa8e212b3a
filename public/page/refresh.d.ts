// Types of refresh.js (a browser module of the page; its unit test imports it from Node).

export const DEFAULT_REFRESH_MS: number;

type Visibility = EventTarget & { readonly hidden: boolean };

export function refreshInterval(
  search?: string,
  body?: { dataset: Record<string, string | undefined> },
): number;

export function autoRefresh(options: {
  everyMs: number;
  check: () => Promise<unknown>;
  doc?: Visibility;
  now?: () => number;
}): () => void;
