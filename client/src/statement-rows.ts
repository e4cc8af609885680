/**
 * Compact statement rows for the drill-down pages, the alert story and a chart bucket: score and
 * level, linked speaker → targets, source, time with its zone, and the text with its evidence.
 */
import type { StatementView } from '../../server/store/statements-repo.ts';
import { el } from './dom.ts';
import { renderEvidence } from './evidence-highlight.ts';
import { scopeLink, speakerTargetsLinks } from './scope-links.ts';
import { timeElement } from './time-zone.ts';

export function statementRow(s: StatementView): HTMLLIElement {
  const level = s.level ?? s.status;
  const score = el('div', { class: `score level-${s.level ?? 'pending'}` }, s.score === null ? '–' : String(Math.round(s.score)), el('small', {}, level));
  const meta = el('div', { class: 'meta' }, ...speakerTargetsLinks(s.speaker, s.targets));
  if (s.source) meta.append(` · ${s.source}`);
  meta.append(' · ', timeElement(Date.parse(s.occurredAt)));
  const text = el('div', { class: 'text', dir: 'auto' }, renderEvidence(s.text, s.signals));
  const chips = el('div', { class: 'signals' });
  for (const c of [...new Set(s.signals.map((g) => g.category))].slice(0, 8)) chips.append(scopeLink(`category:${c}`, c.replace(/_/g, ' ')));
  for (const a of chips.querySelectorAll('a')) a.classList.add('chip');
  return el('li', { class: 'statement', 'data-statement-id': String(s.id) }, score, el('div', {}, meta, text, chips));
}

/** Fills a list with rows, or an empty-state line that says what was searched. */
export function renderStatementList(list: HTMLElement, statements: StatementView[], emptyText: string): void {
  list.replaceChildren(...(statements.length > 0 ? statements.map(statementRow) : [el('li', { class: 'muted empty' }, emptyText)]));
}
