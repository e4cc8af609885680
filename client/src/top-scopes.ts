import type { ScopeRanking, TopScopes } from '../../server/metrics/metrics-service.ts';
import { levelForScore } from '../../server/scoring/combine.ts';

function renderList(list: HTMLOListElement, items: ScopeRanking[]): void {
  list.replaceChildren();
  if (items.length === 0) {
    const li = document.createElement('li');
    li.className = 'muted';
    li.textContent = 'nothing yet';
    list.append(li);
    return;
  }
  for (const item of items) {
    const li = document.createElement('li');
    li.dataset.scope = item.scope;
    const name = document.createElement('span');
    name.textContent = item.name.replace(/_/g, ' ').replace('>', ' → ');
    const num = document.createElement('span');
    num.className = 'num';
    if (item.index === null) {
      num.textContent = `– · ${item.count}`;
      num.title = 'not enough statements for an index';
    } else {
      num.textContent = `${item.index.toFixed(1)} · ${item.count}`;
      num.classList.add(`level-${levelForScore(item.index)}`);
    }
    li.append(name, num);
    list.append(li);
  }
}

/** The highest-risk speakers, dyads and categories over the server's middle window, 24 h by default (GET /api/metrics/top). */
export async function refreshTopScopes(root: Document = document): Promise<void> {
  const res = await fetch('/api/metrics/top?limit=5');
  if (!res.ok) throw new Error(`top scopes: HTTP ${res.status}`);
  const top = (await res.json()) as TopScopes;
  (root.querySelector('#top-window') as HTMLElement).textContent = top.window;
  renderList(root.querySelector('#top-actor') as HTMLOListElement, top.actor);
  renderList(root.querySelector('#top-dyad') as HTMLOListElement, top.dyad);
  renderList(root.querySelector('#top-category') as HTMLOListElement, top.category);
}
