import type { ScopeRanking, TopScopes } from '../../server/metrics/metrics-service.ts';
import { levelForScore } from '../../server/scoring/combine.ts';
import { levelMark } from './level-style.ts';
import { scopeLink } from './scope-links.ts';

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
    // <bdi>: an Arabic or Hebrew name keeps its own direction without reordering the numbers.
    const name = document.createElement('bdi');
    name.textContent = item.name.replace(/_/g, ' ').replace('>', ' → ');
    const num = document.createElement('span');
    num.className = 'num';
    if (item.index === null) {
      num.textContent = `– · ${item.count}`;
      num.title = 'not enough statements for an index';
    } else {
      num.textContent = `${item.index.toFixed(1)} · ${item.count}`;
      num.classList.add(`level-${levelForScore(item.index)}`);
      num.prepend(levelMark(levelForScore(item.index), true), ' ');
    }
    li.append(scopeLink(item.scope, name), num); // every name leads to its drill-down page
    list.append(li);
  }
}

/** The highest-risk speakers, dyads and categories over the server's middle window, 24 h by default (GET /api/metrics/top). */
export async function refreshTopScopes(root: Document = document): Promise<TopScopes> {
  const res = await fetch('/api/metrics/top?limit=5');
  if (!res.ok) throw new Error(`top scopes: HTTP ${res.status}`);
  const top = (await res.json()) as TopScopes;
  (root.querySelector('#top-window') as HTMLElement).textContent = top.window;
  renderList(root.querySelector('#top-actor') as HTMLOListElement, top.actor);
  renderList(root.querySelector('#top-dyad') as HTMLOListElement, top.dyad);
  renderList(root.querySelector('#top-category') as HTMLOListElement, top.category);
  return top;
}

/**
 * Fills the chart's scope picker: global, then the current top speakers, dyads and categories.
 * The scope on screen stays selectable even when it has dropped out of the top lists.
 */
export function offerScopes(select: HTMLSelectElement, top: TopScopes, current: string): void {
  const option = (value: string, label: string) => {
    const o = document.createElement('option');
    o.value = value;
    o.textContent = label;
    return o;
  };
  const groups: Array<[string, ScopeRanking[]]> = [
    ['Speakers', top.actor],
    ['Dyads', top.dyad],
    ['Categories', top.category],
  ];
  const children: HTMLElement[] = [option('global', 'Global')];
  const offered = new Set(['global']);
  for (const [label, items] of groups) {
    if (items.length === 0) continue;
    const group = document.createElement('optgroup');
    group.label = label;
    for (const item of items) {
      group.append(option(item.scope, item.name.replace('>', ' → ').replace(/_/g, ' ')));
      offered.add(item.scope);
    }
    children.push(group);
  }
  if (!offered.has(current)) children.push(option(current, current));
  select.replaceChildren(...children);
  select.value = current;
}
