import type { StatementView } from '../../server/store/statements-repo.ts';
import { renderEvidence } from './evidence-highlight.ts';

const MAX_ROWS = 100;

function el<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}

function renderRow(s: StatementView, fresh: boolean): HTMLLIElement {
  const li = el('li', `statement${fresh ? ' fresh' : ''}`);
  li.dataset.statementId = String(s.id);
  li.dataset.t = String(Date.parse(s.occurredAt));
  const unsupported = s.status === 'unsupported';
  const level = unsupported ? 'not scored' : (s.level ?? s.status);
  const score = el('div', `score level-${unsupported ? 'unsupported' : (s.level ?? 'pending')}`, s.score === null ? (unsupported ? '–' : '…') : String(Math.round(s.score)));
  score.append(el('small', undefined, level));
  const body = el('div');
  const meta = el('div', 'meta');
  const when = new Date(s.occurredAt);
  const parts = [s.speaker ?? 'unknown speaker'];
  if (s.targets.length > 0) parts[0] += ` → ${s.targets.join(', ')}`;
  if (s.source) parts.push(s.source);
  parts.push(when.toLocaleString());
  meta.textContent = parts.join(' · ');
  if (s.isDemo) meta.append(el('span', 'badge demo', 'demo'));
  // The language, when it was detected as another than English ('und': too short or mixed to tell).
  if (s.lang && s.lang !== 'en' && s.lang !== 'und') {
    const badge = el('span', 'badge lang', s.lang);
    badge.title = `language: ${s.lang} (detected)`;
    meta.append(badge);
  }
  const text = el('div', 'text');
  text.dir = 'auto'; // Arabic or Hebrew statements read right to left
  text.append(renderEvidence(s.text, s.signals));
  body.append(meta, text);
  if (unsupported) body.append(el('div', 'not-scored', 'not scored: language not supported'));
  if (s.signals.length > 0) {
    const chips = el('div', 'signals');
    for (const sig of s.signals.slice(0, 8)) {
      chips.append(el('span', 'chip', `${sig.category.replace(/_/g, ' ')}${sig.modality !== 'asserted' ? ` (${sig.modality})` : ''}`));
    }
    body.append(chips);
  }
  if (s.url && /^https?:\/\//i.test(s.url)) {
    const a = el('a', 'muted', 'source link');
    a.href = s.url;
    a.rel = 'noopener noreferrer';
    a.target = '_blank';
    body.append(a);
  }
  li.append(score, body);
  return li;
}

/** The latest-statements list, newest first by time of occurrence. */
export function createStatementFeed(list: HTMLOListElement) {
  const rows = new Map<number, { view: StatementView; el: HTMLLIElement }>();
  function insert(s: StatementView, fresh: boolean) {
    const existing = rows.get(s.id);
    const row = renderRow(s, fresh);
    if (existing) {
      existing.el.replaceWith(row);
      rows.set(s.id, { view: s, el: row });
      return;
    }
    // Newest first by occurredAt, then id: insert before the first older row.
    const t = Date.parse(s.occurredAt);
    let before: Element | null = null;
    for (const child of list.children) {
      const ct = Number((child as HTMLElement).dataset.t);
      const cid = Number((child as HTMLElement).dataset.statementId);
      if (ct < t || (ct === t && cid < s.id)) {
        before = child;
        break;
      }
    }
    list.insertBefore(row, before);
    rows.set(s.id, { view: s, el: row });
    while (rows.size > MAX_ROWS) {
      const last = list.lastElementChild as HTMLLIElement | null;
      if (!last) break;
      rows.delete(Number(last.dataset.statementId));
      last.remove();
    }
  }
  return {
    reset(statements: StatementView[]) {
      list.replaceChildren();
      rows.clear();
      for (const s of statements) insert(s, false);
    },
    add(s: StatementView) {
      insert(s, true);
    },
  };
}
