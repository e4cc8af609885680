// One statement as a row of the live feed (score and level, speaker, targets, source, time,
// language badges, evidence-highlighted text, signal chips, source link, feedback), and the
// element helper the feed builds its other elements with. (The compact rows of the drill-down
// pages are statement-rows.ts.)

import type { StatementView } from '../../server/store/statements-repo.ts';
import { renderEvidence } from './evidence-highlight.ts';
import { feedbackControl } from './feedback-control.ts';
import { clampLongText } from './long-text.ts';
import { speakerTargetsLinks } from './scope-links.ts';
import { timeElement } from './time-zone.ts';

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}

export function renderRow(s: StatementView, fresh: boolean): HTMLLIElement {
  const li = el('li', `statement${fresh ? ' fresh' : ''}`);
  li.dataset.statementId = String(s.id);
  li.dataset.lang = s.lang ?? '';
  li.dataset.t = String(Date.parse(s.occurredAt));
  const unsupported = s.status === 'unsupported';
  const level = unsupported ? 'not scored' : (s.level ?? s.status);
  const score = el('div', `score level-${unsupported ? 'unsupported' : (s.level ?? 'pending')}`, s.score === null ? (unsupported ? '–' : '…') : String(Math.round(s.score)));
  // The level word; its shape is drawn before it by the CSS (.score.level-* small::before).
  score.append(el('small', undefined, level));
  const body = el('div');
  const meta = el('div', 'meta');
  const when = new Date(s.occurredAt);
  // Names in <bdi> (their own direction) inside links to their drill-down pages; the time names its zone.
  meta.append(...speakerTargetsLinks(s.speaker, s.targets));
  if (s.source) meta.append(' · ', el('bdi', 'source', s.source));
  meta.append(' · ', timeElement(when.getTime()));
  if (s.isDemo) meta.append(el('span', 'badge demo', 'demo'));
  // The language, when it was detected as another than English ('und': too short or mixed to tell).
  if (s.lang && s.lang !== 'en' && s.lang !== 'und') {
    const badge = el('span', 'badge lang', s.lang);
    badge.title = `language: ${s.lang} (detected)`;
    meta.append(badge);
  }
  // Mixed-language text: scored by its main language only, and the row says so.
  if (s.langMixed && s.langMixed.length > 0) {
    const mixed = el('span', 'badge lang-mixed', `mixed: ${s.langMixed.join(', ')}`);
    mixed.title = `much of it is in ${s.langMixed.join(' and ')} script; scored by its main language (${s.lang}) only`;
    meta.append(mixed);
  }
  const text = el('div', 'text');
  text.dir = 'auto'; // Arabic or Hebrew statements read right to left
  if (s.lang && s.lang !== 'und') text.lang = s.lang;
  text.append(renderEvidence(s.text, s.signals));
  body.append(meta, text);
  const more = clampLongText(text, s.text.length);
  if (more) body.append(more);
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
  if (!unsupported && s.score !== null) body.append(feedbackControl(s));
  li.append(score, body);
  return li;
}
