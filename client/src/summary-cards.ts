import type { CurrentMetrics } from '../../server/metrics/metrics-service.ts';
// The scorer's level bands, so a card and a statement of the same number share a colour.
import { levelForScore } from '../../server/scoring/combine.ts';
import { levelMark } from './level-style.ts';

/** The level as a word and a shape under the number (colour alone says nothing to some readers). */
function levelWord(card: HTMLElement, index: number | null): void {
  let p = card.querySelector<HTMLElement>('.level-word');
  if (!p) {
    p = document.createElement('p');
    p.className = 'level-word';
    card.querySelector('.value')?.after(p);
  }
  if (index === null) p.replaceChildren();
  else p.replaceChildren(levelMark(levelForScore(index)));
}

const ARROWS = { up: '▲', down: '▼', flat: '▶' } as const;

/**
 * The headline numbers: risk index for each window with count, max and the trend against the
 * previous window. A window with too few statements says so instead of showing a number.
 */
export function renderSummary(root: HTMLElement, m: CurrentMetrics): void {
  for (const card of root.querySelectorAll<HTMLElement>('.card[data-window]')) {
    const w = m.windows[card.dataset.window ?? ''];
    const value = card.querySelector('.value') as HTMLElement;
    const meta = card.querySelector('.meta') as HTMLElement;
    if (!w) continue;
    const counts = `${w.count} statement${w.count === 1 ? '' : 's'}${w.maxScore === null ? '' : ` · max ${Math.round(w.maxScore)}`}`;
    if (w.index === null) {
      value.textContent = '–';
      value.className = 'value';
      card.dataset.enoughData = 'false';
      levelWord(card, null);
      meta.textContent = w.count === 0 ? 'no statements in this window' : `not enough data (${counts}; needs ${m.minStatements})`;
      continue;
    }
    card.dataset.enoughData = 'true';
    value.textContent = w.index.toFixed(1);
    value.className = `value level-${levelForScore(w.index)}`;
    levelWord(card, w.index);
    const trend = w.trend.direction === null || w.trend.delta === null ? '' : ` · ${ARROWS[w.trend.direction]} ${w.trend.delta > 0 ? '+' : ''}${w.trend.delta} vs previous`;
    meta.textContent = counts + trend;
  }
}
