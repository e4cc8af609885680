/**
 * The search view's state as it lives in the page URL, and as GET /api/statements reads it.
 * URL keys: q, actor, dyad, category, level, min, max, lang, origin, since, until, sort. The
 * chart owns range, scope, from and to (engineer "drill"), so the search's date range is
 * since/until. Unknown keys in the URL are left alone (other views' state).
 */
export interface SearchState {
  q?: string;
  actor?: string;
  dyad?: string;
  category?: string;
  level?: string;
  min?: string;
  max?: string;
  lang?: string;
  origin?: string;
  /** Date (YYYY-MM-DD) or ISO time: from this moment on. */
  since?: string;
  /** Date (YYYY-MM-DD, that whole day included) or ISO time: before this moment. */
  until?: string;
  sort?: 'relevance' | 'newest';
}

export const SEARCH_KEYS = ['q', 'actor', 'dyad', 'category', 'level', 'min', 'max', 'lang', 'origin', 'since', 'until', 'sort'] as const;
export type SearchKey = (typeof SEARCH_KEYS)[number];

/** The filters as chips name them (q is the search box, sort a picker). */
export const FILTER_LABELS: Record<Exclude<SearchKey, 'q' | 'sort'>, string> = {
  actor: 'Actor',
  dyad: 'Dyad',
  category: 'Category',
  level: 'Level',
  min: 'Score ≥',
  max: 'Score ≤',
  lang: 'Language',
  origin: 'Origin',
  since: 'Since',
  until: 'Until',
};

export function readSearchState(search: string): SearchState {
  const params = new URLSearchParams(search);
  const state: SearchState = {};
  for (const key of SEARCH_KEYS) {
    const v = params.get(key)?.trim();
    if (!v) continue;
    if (key === 'sort') {
      if (v === 'relevance' || v === 'newest') state.sort = v;
    } else {
      state[key] = v;
    }
  }
  return state;
}

/** The page URL's query with the search keys replaced by `state` (other keys kept, in order). */
export function writeSearchState(search: string, state: SearchState): string {
  const params = new URLSearchParams(search);
  for (const key of SEARCH_KEYS) params.delete(key);
  for (const key of SEARCH_KEYS) {
    const v = state[key];
    if (v !== undefined && v !== '') params.set(key, v);
  }
  const s = params.toString();
  return s === '' ? '' : `?${s}`;
}

export function isActive(state: SearchState): boolean {
  return SEARCH_KEYS.some((k) => k !== 'sort' && state[k] !== undefined && state[k] !== '');
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;
/** A day as UTC midnight (the API's dates are UTC); an "until" day includes that whole day. */
function toApiTime(v: string, end: boolean): string {
  if (!DAY.test(v)) return v;
  const ms = Date.parse(`${v}T00:00:00Z`) + (end ? 86_400_000 : 0);
  return Number.isFinite(ms) ? new Date(ms).toISOString() : v;
}

/** The GET /api/statements query for a state (the API answers a 400 naming any bad value). */
export function apiQuery(state: SearchState, limit: number, cursor?: string | null): string {
  const p = new URLSearchParams();
  if (state.q) p.set('q', state.q);
  if (state.actor) p.set('actor', state.actor);
  if (state.dyad) p.set('dyad', state.dyad);
  if (state.category) p.set('category', state.category);
  if (state.level) p.set('level', state.level);
  if (state.min) p.set('minScore', state.min);
  if (state.max) p.set('maxScore', state.max);
  if (state.lang) p.set('lang', state.lang);
  if (state.origin) p.set('origin', state.origin);
  if (state.since) p.set('from', toApiTime(state.since, false));
  if (state.until) p.set('to', toApiTime(state.until, true));
  if (state.q && state.sort) p.set('sort', state.sort);
  p.set('limit', String(limit));
  if (cursor) p.set('cursor', cursor);
  return `/api/statements?${p.toString()}`;
}
