import type { StatementView } from '../../server/store/statement-types.ts';
import type { MatchRange } from '../../server/store/search-highlights.ts';
import { el } from './dom.ts';
import { feedbackControl } from './feedback-control.ts';
import type { FeedPage } from './feed-paging.ts';
import { apiQuery, FILTER_LABELS, isActive, readSearchState, writeSearchState, type SearchState } from './search-state.ts';

export const SEARCH_PAGE = 25;
const LEVELS = ['calm', 'low', 'elevated', 'high', 'severe'];
const ORIGINS = ['api', 'inbox', 'feed', 'cli', 'demo'];
type FilterKey = keyof typeof FILTER_LABELS;

/** Text with the search's matches wrapped in <mark class="hit">; text nodes only, never HTML. */
export function markRanges(text: string, ranges: MatchRange[] | undefined): DocumentFragment {
  const frag = document.createDocumentFragment();
  let pos = 0;
  for (const [a, b] of ranges ?? []) {
    if (!Number.isInteger(a) || !Number.isInteger(b) || a < pos || b > text.length || a >= b) continue;
    if (a > pos) frag.append(text.slice(pos, a));
    frag.append(el('mark', { class: 'hit' }, text.slice(a, b)));
    pos = b;
  }
  if (pos < text.length) frag.append(text.slice(pos));
  return frag;
}

function renderResult(s: StatementView, addFilter: (key: FilterKey, value: string) => void): HTMLLIElement {
  const h = s.highlights;
  const unsupported = s.status === 'unsupported';
  const levelWord = unsupported ? 'not scored' : (s.level ?? s.status);
  const score = el('div', { class: `score level-${unsupported ? 'unsupported' : (s.level ?? 'pending')}` }, s.score === null ? '–' : String(Math.round(s.score)), el('small', {}, levelWord));
  const meta = el('div', { class: 'meta' });
  const speaker = el('button', { type: 'button', class: 'linkish', title: 'Show only this speaker' }, markRanges(s.speaker ?? 'unknown speaker', h?.speaker));
  if (s.speaker) speaker.addEventListener('click', () => addFilter('actor', s.speaker!));
  else speaker.disabled = true;
  meta.append(speaker);
  s.targets.forEach((t, i) => {
    meta.append(i === 0 ? ' → ' : ', ');
    const b = el('button', { type: 'button', class: 'linkish', title: 'Show only this speaker naming this target' }, markRanges(t, h?.targets[i]));
    b.addEventListener('click', () => s.speaker && addFilter('dyad', `${s.speaker}>${t}`));
    meta.append(b);
  });
  if (s.source) meta.append(' · ', el('span', { class: 'source' }, markRanges(s.source, h?.source)));
  meta.append(' · ', el('time', { datetime: s.occurredAt }, new Date(s.occurredAt).toLocaleString()));
  if (s.lang && s.lang !== 'en' && s.lang !== 'und') meta.append(el('span', { class: 'badge lang', title: `language: ${s.lang} (detected)` }, s.lang));
  const text = el('div', { class: 'text', dir: 'auto' }, markRanges(s.text, h?.text));
  const body = el('div', {}, meta, text);
  const categories = [...new Set(s.signals.map((g) => g.category))];
  if (categories.length > 0) {
    const chips = el('div', { class: 'signals' });
    for (const c of categories.slice(0, 8)) {
      const b = el('button', { type: 'button', class: 'chip', title: 'Show only this category' }, c.replace(/_/g, ' '));
      b.addEventListener('click', () => addFilter('category', c));
      chips.append(b);
    }
    body.append(chips);
  }
  body.append(feedbackControl(s));
  const li = el('li', { class: 'statement search-result' }, score, body);
  li.dataset.statementId = String(s.id);
  return li;
}

/**
 * The search view: a search box and filters, the active filters as chips (each removable), and
 * the matching statements with their matches marked, loading more as the list is scrolled to
 * its end. The state lives in the URL (search-state.ts), so a reload or a pasted link shows
 * the same view; history.replaceState keeps the back button for real navigation.
 */
export function mountSearchPanel(root: HTMLElement, fetchPage: (url: string) => Promise<FeedPage>) {
  const field = (label: string, input: HTMLInputElement | HTMLSelectElement) => el('span', { class: 'field' }, el('label', { for: input.id }, label), input);
  const input = (name: string, attrs: Record<string, string> = {}) => el('input', { name, id: `search-${name}`, autocomplete: 'off', ...attrs });
  const select = (name: string, options: string[], blank: string) =>
    el('select', { name, id: `search-${name}` }, el('option', { value: '' }, blank), ...options.map((o) => el('option', { value: o }, o)));

  const q = input('q', { type: 'search', placeholder: 'words, "a phrase", prefix*', maxlength: '200' });
  const sort = el('select', { name: 'sort', id: 'search-sort' }, el('option', { value: 'relevance' }, 'best match'), el('option', { value: 'newest' }, 'newest'));
  const filters: Record<FilterKey, HTMLInputElement | HTMLSelectElement> = {
    actor: input('actor', { placeholder: 'Russia' }),
    dyad: input('dyad', { placeholder: 'Russia>Ukraine' }),
    category: input('category', { placeholder: 'threat-of-force' }),
    level: select('level', LEVELS, 'any'),
    min: input('min', { type: 'number', min: '0', max: '100', step: 'any' }),
    max: input('max', { type: 'number', min: '0', max: '100', step: 'any' }),
    lang: input('lang', { placeholder: 'en', maxlength: '3', size: '4' }),
    origin: select('origin', ORIGINS, 'any'),
    since: input('since', { type: 'date' }),
    until: input('until', { type: 'date' }),
  };
  const details = el(
    'details',
    { class: 'search-filters' },
    el('summary', {}, 'Filters'),
    el('div', { class: 'filter-grid' }, ...(Object.keys(filters) as FilterKey[]).map((k) => field(FILTER_LABELS[k], filters[k]))),
  );
  const form = el(
    'form',
    { class: 'search-form', role: 'search', 'aria-label': 'Search and filters' },
    el('span', { class: 'field search-q' }, el('label', { for: q.id }, 'Search statements'), q),
    field('Order', sort),
    el('button', { type: 'submit' }, 'Search'),
    el('button', { type: 'button', class: 'search-clear' }, 'Clear'),
    details,
  );
  const chips = el('ul', { class: 'filter-chips', 'aria-label': 'Active filters' });
  const status = el('p', { class: 'search-status muted', role: 'status' });
  const list = el('ol', { class: 'statements search-results', id: 'search-results' });
  const more = el('button', { type: 'button', class: 'feed-older', id: 'search-more', hidden: '' }, 'Load more results');
  root.classList.add('panel', 'search-panel');
  root.replaceChildren(el('div', { class: 'panel-head' }, el('h2', {}, 'Search')), form, chips, status, list, more);

  let state: SearchState = readSearchState(location.search);
  let cursor: string | null = null;
  let generation = 0;
  let busy = false;

  function showState(): void {
    q.value = state.q ?? '';
    sort.value = state.sort ?? 'relevance';
    sort.disabled = !state.q;
    for (const k of Object.keys(filters) as FilterKey[]) filters[k].value = state[k] ?? '';
    chips.replaceChildren();
    for (const k of Object.keys(filters) as FilterKey[]) {
      const v = state[k];
      if (!v) continue;
      const remove = el('button', { type: 'button', class: 'chip-remove', 'aria-label': `Remove filter ${FILTER_LABELS[k]} ${v}` }, '×');
      remove.addEventListener('click', () => {
        state = { ...state, [k]: undefined };
        apply();
      });
      chips.append(el('li', { class: 'chip filter-chip' }, `${FILTER_LABELS[k]}: ${v} `, remove));
    }
  }

  function readForm(): SearchState {
    const next: SearchState = { q: q.value.trim() || undefined, sort: sort.value === 'newest' ? 'newest' : undefined };
    for (const k of Object.keys(filters) as FilterKey[]) next[k] = filters[k].value.trim() || undefined;
    return next;
  }

  async function load(first: boolean): Promise<void> {
    if (!first && (busy || cursor === null)) return;
    const asked = first ? ++generation : generation;
    busy = true;
    more.disabled = true;
    if (first) status.textContent = 'Searching…';
    try {
      const page = await fetchPage(apiQuery(state, SEARCH_PAGE, first ? null : cursor));
      if (asked !== generation) return;
      if (first) list.replaceChildren();
      for (const s of page.statements) list.append(renderResult(s, addFilter));
      cursor = page.nextCursor;
      const n = list.children.length;
      const note = (page as FeedPage & { note?: string }).note;
      status.textContent =
        (n === 0 ? 'No statement matches this search.' : `${n.toLocaleString()} statement${n === 1 ? '' : 's'} shown${cursor ? '; more load as you scroll' : ''}.`) +
        (note ? ` Note: ${note}.` : '');
    } catch (err) {
      if (asked !== generation) return;
      if (first) list.replaceChildren();
      cursor = null;
      status.textContent = `Search failed: ${err instanceof Error ? err.message : String(err)}`;
    } finally {
      if (asked === generation) {
        busy = false;
        more.disabled = false;
        more.hidden = cursor === null;
      }
    }
  }

  function apply(): void {
    history.replaceState(history.state, '', `${location.pathname}${writeSearchState(location.search, state)}${location.hash}`);
    showState();
    root.dataset.active = String(isActive(state));
    cursor = null;
    if (!isActive(state)) {
      generation++;
      list.replaceChildren();
      more.hidden = true;
      status.textContent = 'Search statement text, speakers, targets and sources, or pick filters.';
      return;
    }
    void load(true);
  }

  function addFilter(key: FilterKey, value: string): void {
    state = { ...state, [key]: value };
    apply();
  }

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    state = readForm();
    apply();
  });
  form.querySelector('.search-clear')!.addEventListener('click', () => {
    state = {};
    apply();
    q.focus();
  });
  let typing: ReturnType<typeof setTimeout> | null = null;
  q.addEventListener('input', () => {
    if (typing) clearTimeout(typing);
    typing = setTimeout(() => {
      state = readForm();
      apply();
    }, 350);
  });
  for (const f of [sort, ...Object.values(filters)]) f.addEventListener('change', () => {
    state = readForm();
    apply();
  });
  more.addEventListener('click', () => void load(false));
  // Loads the next page when the end of the results scrolls into view.
  new IntersectionObserver((entries) => {
    if (entries.some((e) => e.isIntersecting)) void load(false);
  }).observe(more);

  apply();
  return { apply: () => apply() };
}
