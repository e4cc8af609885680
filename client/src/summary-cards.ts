import type { CurrentMetrics } from '../../server/metrics/metrics-service.ts';

function levelOf(index: number): string {
  return index >= 80 ? 'severe' : index >= 60 ? 'high' : index >= 40 ? 'elevated' : index >= 20 ? 'low' : 'calm';
}

/** The three headline numbers: risk index for 1 h, 24 h and 7 d, with count and max. */
export function renderSummary(root: HTMLElement, m: CurrentMetrics): void {
  for (const card of root.querySelectorAll<HTMLElement>('.card[data-window]')) {
    const w = m.windows[card.dataset.window ?? ''];
    const value = card.querySelector('.value') as HTMLElement;
    const meta = card.querySelector('.meta') as HTMLElement;
    if (!w || w.index === null) {
      value.textContent = '–';
      value.className = 'value';
      meta.textContent = 'no statements in this window';
      continue;
    }
    value.textContent = w.index.toFixed(1);
    value.className = `value level-${levelOf(w.index)}`;
    meta.textContent = `${w.count} statement${w.count === 1 ? '' : 's'} · max ${w.maxScore === null ? '–' : Math.round(w.maxScore)}`;
  }
}
