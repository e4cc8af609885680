/**
 * Clicking a chart point lists the statements it is made of, with the bucket's exact bounds
 * (README, "What the numbers on screen mean"):
 * - a dot: the statements said in its minute [t, t + 1 min) or UTC hour [t, t + 1 h);
 * - a point of the line: those its window counts, [E − W, E), E = t rounded up to a whole minute.
 */
import type { StatementView } from '../../server/store/statements-repo.ts';
import { el } from './dom.ts';
import { renderStatementList } from './statement-rows.ts';
import { formatDateTime } from './time-zone.ts';

const MINUTE = 60_000;
const LIMIT = 200;

export interface Bucket {
  from: number;
  to: number;
  /** "the minute", "the hour", "the 1h window" */
  what: string;
}

export function dotBucket(t: number, dots: 'minute' | 'hour'): Bucket {
  const size = dots === 'hour' ? 3_600_000 : MINUTE;
  return { from: t, to: t + size, what: dots === 'hour' ? 'the hour' : 'the minute' };
}

export function lineBucket(t: number, windowMs: number, window: string): Bucket {
  const end = Math.ceil(t / MINUTE) * MINUTE;
  return { from: end - windowMs, to: end, what: `the ${window} window` };
}

/** A panel under the chart; show() fills it with one bucket's statements and moves focus to its heading. */
export function createBucketPanel(host: HTMLElement) {
  const heading = el('h3', { tabindex: '-1', id: 'bucket-title' });
  const list = el('ol', { class: 'statements bucket-list', id: 'bucket-statements' });
  const close = el('button', { type: 'button', class: 'link-button' }, 'Close');
  const panel = el('section', { class: 'bucket-panel', id: 'bucket-panel', 'aria-labelledby': 'bucket-title', hidden: '' }, el('div', { class: 'panel-head' }, heading, close), list);
  host.after(panel);
  close.addEventListener('click', () => {
    panel.hidden = true;
  });
  let seq = 0;
  return {
    async show(scope: string, b: Bucket, scopeText: string): Promise<void> {
      const mine = ++seq;
      panel.hidden = false;
      panel.dataset.from = String(b.from);
      panel.dataset.to = String(b.to);
      heading.textContent = `${scopeText}: statements in ${b.what} ${formatDateTime(b.from)} – ${formatDateTime(b.to)}`;
      list.replaceChildren(el('li', { class: 'muted' }, 'loading…'));
      heading.focus();
      const q = new URLSearchParams({ scope, from: String(b.from), to: String(b.to), limit: String(LIMIT) });
      try {
        const res = await fetch(`/api/statements?${q}`);
        if (!res.ok) throw new Error(`HTTP ${res.status}`);
        const body = (await res.json()) as { statements: StatementView[]; nextCursor: string | null };
        if (mine !== seq) return;
        renderStatementList(list, body.statements, 'No scored statements in this bucket.');
        panel.dataset.count = String(body.statements.length);
        if (body.nextCursor) list.append(el('li', { class: 'muted' }, `The first ${LIMIT} are shown; export the range for all of them.`));
      } catch (err) {
        if (mine !== seq) return;
        list.replaceChildren(el('li', { class: 'muted' }, `Could not load the statements (${String(err)}).`));
      }
    },
  };
}
