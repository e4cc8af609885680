import type { StoredSignal } from '../../server/store/statements-repo.ts';

/**
 * Modalities that weaken or cancel a signal, shown muted rather than as escalation: negated,
 * denied, hedged, questioned, past (historical) and addressed (the object of an opposite
 * action, as "displaced" in "aid for displaced families").
 */
const MUTED = new Set(['negated', 'denied', 'hedged', 'question', 'past', 'addressed']);

/**
 * Statement text as DOM text nodes with the evidence spans wrapped in <mark>. Text is never
 * parsed as HTML. Spans are UTF-16 offsets; overlapping or out-of-range spans are skipped.
 */
export function renderEvidence(text: string, signals: StoredSignal[]): DocumentFragment {
  const frag = document.createDocumentFragment();
  // A signal's condition and target are highlighted too (marked as such), where the scorer found them.
  const context: StoredSignal[] = [];
  for (const s of signals) {
    for (const [role, span] of [['condition', s.condition], ['target', s.target]] as const) {
      // never over a signal's own span: the evidence comes first
      const overlaps = (a: { start: number; end: number }) => a.start < span!.end && span!.start < a.end;
      if (span && !context.some(overlaps) && !signals.some(overlaps)) {
        context.push({ category: role, polarity: role, weight: 0, modality: role, text: span.text, start: span.start, end: span.end });
      }
    }
  }
  const spans = [...signals, ...context]
    .filter((s) => Number.isInteger(s.start) && Number.isInteger(s.end) && s.start >= 0 && s.end <= text.length && s.start < s.end)
    .sort((a, b) => a.start - b.start || b.end - a.end);
  let pos = 0;
  for (const s of spans) {
    if (s.start < pos) continue;
    if (s.start > pos) frag.append(document.createTextNode(text.slice(pos, s.start)));
    const mark = document.createElement('mark');
    const role = s.weight === 0 && (s.category === 'condition' || s.category === 'target') ? s.category : null;
    const kind = role ?? (MUTED.has(s.modality) ? 'muted-sig' : s.polarity === 'deescalation' ? 'deescalation' : 'escalation');
    mark.className = role === null ? `sig ${kind}` : `ctx ${role}`;
    mark.dataset.category = s.category;
    mark.title = role === 'condition' ? 'condition' : role === 'target' ? 'target' : `${s.category.replace(/_/g, ' ')} · ${s.polarity} · ${s.modality} · weight ${s.weight}`;
    if (role === 'target') mark.dir = 'auto'; // a name keeps its own direction inside right-to-left text
    mark.textContent = text.slice(s.start, s.end);
    frag.append(mark);
    pos = s.end;
  }
  if (pos < text.length) frag.append(document.createTextNode(text.slice(pos)));
  return frag;
}
