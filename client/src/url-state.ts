/**
 * The view in the address bar, so that a reload or a pasted link shows the same view: `range`
 * (1h, 24h, 7d, 30d, or custom with `from` and `to`), `scope` (global, actor:NAME, dyad:A>B,
 * category:NAME) and `tz` (utc; local when absent). Other keys (the search's q and filters) are
 * kept as they are. Unknown or broken values fall back to the default view, never to an error.
 */
import { RANGES, type ChartView } from './chart-view.ts';

/** Longest custom range: the server's rolling limit (92 days). */
export const MAX_CUSTOM_MS = 92 * 86_400_000;
const SCOPE = /^(global|actor:.+|dyad:.+>.+|category:.+)$/;

export type ZoneMode = 'local' | 'utc';

export interface UrlView extends ChartView {
  tz: ZoneMode;
}

function time(v: string | null): number | undefined {
  if (v === null || v === '') return undefined;
  const ms = /^\d+$/.test(v) ? Number(v) : Date.parse(v);
  return Number.isFinite(ms) ? ms : undefined;
}

export function readUrlView(search: string, fallbackRange = '24h'): UrlView {
  const p = new URLSearchParams(search);
  const scopeRaw = p.get('scope');
  const scope = scopeRaw !== null && scopeRaw.length <= 300 && SCOPE.test(scopeRaw) ? scopeRaw : 'global';
  const tz: ZoneMode = p.get('tz') === 'utc' ? 'utc' : 'local';
  const from = time(p.get('from'));
  const to = time(p.get('to'));
  const range = p.get('range');
  // from and to make a custom range whatever `range` says (a link may carry only them).
  if (from !== undefined && to !== undefined && from < to && (range === null || range === 'custom')) {
    return { range: 'custom', scope, from, to: Math.min(to, from + MAX_CUSTOM_MS), tz };
  }
  return { range: range !== null && range in RANGES ? range : fallbackRange, scope, tz };
}

/** The query string for a view, keeping the keys this module does not own. */
export function urlFor(view: UrlView, search: string, defaults: { range: string } = { range: '24h' }): string {
  const p = new URLSearchParams(search);
  for (const k of ['range', 'scope', 'from', 'to', 'tz']) p.delete(k);
  if (view.range === 'custom' && view.from !== undefined && view.to !== undefined) {
    p.set('range', 'custom');
    p.set('from', new Date(view.from).toISOString());
    p.set('to', new Date(view.to).toISOString());
  } else if (view.range !== defaults.range) {
    p.set('range', view.range);
  }
  if (view.scope !== 'global') p.set('scope', view.scope);
  if (view.tz === 'utc') p.set('tz', 'utc');
  const q = p.toString();
  return q === '' ? '' : `?${q}`;
}

/** Writes the view into the address bar; `push` adds a history entry (Back returns to the previous view). */
export function writeUrlView(view: UrlView, push = false): void {
  const next = `${location.pathname}${urlFor(view, location.search)}${location.hash}`;
  if (next === `${location.pathname}${location.search}${location.hash}`) return;
  if (push) history.pushState(null, '', next);
  else history.replaceState(null, '', next);
}
