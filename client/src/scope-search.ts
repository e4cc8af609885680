/**
 * "Find a scope": a search box over every known actor, dyad and category (GET /api/scopes), not
 * only the top five in the picker. Results are buttons (each says its kind and statement count);
 * choosing one calls onPick. Arrow Down moves from the box into the results.
 */
import { el } from './dom.ts';
import { displayName } from './scope-links.ts';

interface ScopeMatch {
  scope: string;
  count: number;
}

const KIND: Record<string, string> = { actor: 'speaker', dyad: 'dyad', category: 'category' };

export function createScopeSearch(onPick: (scope: string) => void): HTMLElement {
  const input = el('input', { type: 'search', id: 'scope-search', placeholder: 'Find an actor, dyad or category', autocomplete: 'off', 'aria-controls': 'scope-results' });
  const label = el('label', { for: 'scope-search', class: 'visually-hidden' }, 'Find a scope');
  const status = el('span', { class: 'visually-hidden', role: 'status', id: 'scope-search-status' });
  const results = el('ul', { class: 'scope-results', id: 'scope-results', hidden: '' });
  const box = el('div', { class: 'scope-search' }, label, input, status, results);
  let seq = 0;
  let timer: ReturnType<typeof setTimeout> | null = null;

  async function run(q: string) {
    const mine = ++seq;
    if (q.trim() === '') {
      results.hidden = true;
      results.replaceChildren();
      return;
    }
    try {
      const res = await fetch(`/api/scopes?${new URLSearchParams({ q: q.trim(), limit: '15' })}`);
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      const { scopes } = (await res.json()) as { scopes: ScopeMatch[] };
      if (mine !== seq) return;
      results.hidden = false;
      if (scopes.length === 0) {
        results.replaceChildren(el('li', { class: 'muted' }, `No actor, dyad or category matches "${q.trim()}".`));
        status.textContent = 'no matches';
        return;
      }
      results.replaceChildren(
        ...scopes.map((m) => {
          const kind = m.scope.slice(0, m.scope.indexOf(':'));
          const b = el('button', { type: 'button', 'data-scope': m.scope }, displayName(m.scope.slice(kind.length + 1)), el('span', { class: 'muted' }, ` ${KIND[kind] ?? kind} · ${m.count.toLocaleString()} statements`));
          b.addEventListener('click', () => {
            results.hidden = true;
            input.value = '';
            onPick(m.scope);
          });
          return el('li', {}, b);
        }),
      );
      status.textContent = `${scopes.length} match${scopes.length === 1 ? '' : 'es'}`;
    } catch (err) {
      if (mine === seq) status.textContent = `search failed: ${String(err)}`;
    }
  }

  input.addEventListener('input', () => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => void run(input.value), 150);
  });
  input.addEventListener('keydown', (e) => {
    if (e.key === 'ArrowDown') {
      results.querySelector('button')?.focus();
      e.preventDefault();
    } else if (e.key === 'Escape') {
      results.hidden = true;
    }
  });
  results.addEventListener('keydown', (e) => {
    const buttons = [...results.querySelectorAll('button')];
    const i = buttons.indexOf(document.activeElement as HTMLButtonElement);
    if (e.key === 'ArrowDown' && i >= 0) buttons[Math.min(i + 1, buttons.length - 1)]!.focus();
    else if (e.key === 'ArrowUp') (i <= 0 ? input : buttons[i - 1]!).focus();
    else if (e.key === 'Escape') {
      results.hidden = true;
      input.focus();
    } else return;
    e.preventDefault();
  });
  return box;
}
