import type { CategoryFeedbackCount } from '../../server/store/feedback-repo.ts';
import { el } from './dom.ts';

/**
 * Analysts' disagreement with scores, counted per signal category (GET /api/feedback/categories),
 * with the audit trail as CSV (GET /api/export/feedback.csv). Refreshed after feedback is sent.
 */
export function mountFeedbackSummary(root: HTMLElement) {
  const list = el('table', { class: 'feedback-table' });
  const note = el('p', { class: 'muted', role: 'status' });
  const csv = el('a', { class: 'button', href: '/api/export/feedback.csv', download: '' }, 'Download feedback (CSV)');
  root.classList.add('panel', 'feedback-panel');
  root.replaceChildren(el('div', { class: 'panel-head' }, el('h2', {}, 'Score feedback by category'), csv), note, list);

  async function refresh(): Promise<void> {
    try {
      const res = await fetch('/api/feedback/categories');
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      const body = (await res.json()) as { total: number; categories: CategoryFeedbackCount[] };
      note.textContent =
        body.total === 0
          ? 'No feedback yet. Use "This score is wrong" on any statement to record the level you would assign.'
          : `${body.total.toLocaleString()} piece${body.total === 1 ? '' : 's'} of feedback. A statement counts in each of its categories.`;
      list.hidden = body.total === 0;
      list.replaceChildren(
        el('thead', {}, el('tr', {}, ...['Category', 'Feedback', 'Should be higher', 'Should be lower', 'Same level'].map((h, i) => el('th', { scope: 'col', class: i > 0 ? 'num' : '' }, h)))),
        el(
          'tbody',
          {},
          ...body.categories.map((c) =>
            el('tr', { 'data-category': c.category }, el('th', { scope: 'row' }, c.category.replace(/_/g, ' ')), ...[c.count, c.higher, c.lower, c.same].map((n) => el('td', { class: 'num' }, String(n ?? 0)))),
          ),
        ),
      );
    } catch (err) {
      note.textContent = `Could not load feedback counts (${err instanceof Error ? err.message : String(err)}).`;
    }
  }
  void refresh();
  return { refresh };
}
