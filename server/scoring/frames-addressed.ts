// Passes that make a signal `addressed` because of what surrounds it: the topic of an act
// ("talks on nuclear weapons"), violence that a release or surrender resolves, and the
// cooperation a demand asks for. Called by findSignals (analyse.ts) after the passes of frames.ts.

import {
  CUE_CONTRAST as _CUE_CONTRAST,
  CUE_SPEECH as _CUE_SPEECH,
  CUE_TOPIC_HEAD as _CUE_TOPIC_HEAD,
  type CompiledLexicon,
} from './lexicon.ts';
import type { FoundSignal } from './analyse.ts';
import type { Prepared } from './prepare.ts';
import { PUNCT as _PUNCT } from './tokenize.ts';

// Imported constants copied into module scope (the TypeScript loader makes imports getters).
const CUE_CONTRAST = _CUE_CONTRAST;
const CUE_SPEECH = _CUE_SPEECH;
const CUE_TOPIC_HEAD = _CUE_TOPIC_HEAD;
const PUNCT = _PUNCT;

/** A weight rounded to two decimals (also used by the passes of frames.ts). */
export const round2 = (x: number): number => Math.round(x * 100) / 100;

/** Tokens before an escalation signal searched for the act it is the topic of ("a report on [the] insurgency"). */
export const TOPIC_BACK = 8;

function address(lex: CompiledLexicon, f: FoundSignal): void {
  f.signal.modality = 'addressed';
  f.signal.weight = round2(f.base * lex.modality.addressed[f.category.modalityClass].factor);
}

/** An act that takes a topic before token s in its clause ("talks on", "an inquiry into"). */
function topicHeadBefore(p: Prepared, s: number): boolean {
  const { tokens, cueFlags, clause } = p;
  for (let k = s - 1; k >= 0 && k >= s - TOPIC_BACK; k--) {
    if (clause[k] !== clause[s]) return false;
    const f = cueFlags[k]!;
    if ((f & CUE_TOPIC_HEAD) !== 0) return true;
    if ((f & CUE_SPEECH) !== 0 || tokens[k]!.lower === 'that') return false;
  }
  return false;
}

/**
 * A violent topic is not a violent event: an escalation signal that is the topic of talks,
 * a report, an inquiry, a comment or condolences (`cues.topicHead`: "talks on nuclear
 * weapons", "an inquiry into the bombing", "declined to comment on casualties") is
 * `addressed`; the act decides, the topic only colours it.
 */
export function markTopics(lex: CompiledLexicon, p: Prepared, found: FoundSignal[]): void {
  for (const f of found) {
    if (f.category.polarity !== 'escalation' || f.signal.polarity !== 'escalation') continue;
    const m = f.signal.modality;
    if (m !== 'asserted' && m !== 'intended' && m !== 'past') continue;
    if (topicHeadBefore(p, f.startToken)) address(lex, f);
  }
}

/**
 * Material cooperation that mentions violence: in the stretch of a sentence around a
 * resolving event (a category with `resolves`: a release, a surrender, an easing, a truce),
 * up to punctuation or a contrast (`cues.contrast`: "but", "while", "despite"), violent events
 * and words describe what is being resolved ("Gunmen released two priests they had
 * kidnapped", "the rebels surrendered", "the curfew imposed after the coup was shortened")
 * and are `addressed`. Threats are not.
 */
export function markResolutions(lex: CompiledLexicon, p: Prepared, found: FoundSignal[]): void {
  let any = false;
  for (const f of found) if (isResolving(f)) any = true;
  if (!any) return;
  // the stretch of each signal: one pass over the tokens, signals in token order
  const { tokens, cueFlags } = p;
  const stretch: number[] = [];
  let sn = 0;
  let k = 0;
  let sentence = tokens.length > 0 ? tokens[0]!.sentence : 0;
  for (const f of found) {
    for (; k < f.startToken; k++) {
      const t = tokens[k]!;
      if (t.sentence !== sentence || t.kind === PUNCT || (cueFlags[k]! & CUE_CONTRAST) !== 0) {
        sentence = t.sentence;
        sn++;
      }
    }
    stretch.push(sn);
  }
  const resolved = new Set<number>();
  for (let i = 0; i < found.length; i++) if (isResolving(found[i]!)) resolved.add(stretch[i]!);
  for (let i = 0; i < found.length; i++) {
    const g = found[i]!;
    if (!resolved.has(stretch[i]!) || g.category.polarity !== 'escalation' || g.signal.polarity !== 'escalation') continue;
    if (g.category.modalityClass === 'escalation-rhetoric') continue;
    const m = g.signal.modality;
    if (m === 'asserted' || m === 'intended') address(lex, g); // a past event stays past ("withdrew after the fighting")
  }
}

function isResolving(f: FoundSignal): boolean {
  const m = f.signal.modality;
  return f.category.resolves && f.signal.polarity === 'deescalation' && (m === 'asserted' || m === 'intended');
}

/** Tokens after a demand searched for the cooperative signals it asks for ("demanded [the immediate] release of"). */
export const CLAIM_AHEAD = 10;

/**
 * A demand is pressure even when what it asks for is peaceful: the cooperative signals after a
 * demand (a category with `claims`) in its clause ("demanded a truce", "insisted on talks",
 * "pushing hard for a ceasefire") are `addressed` and keep only `calibration.claimed` of their
 * weight.
 */
export function markClaims(lex: CompiledLexicon, p: Prepared, found: FoundSignal[]): void {
  let claimEnd = -1;
  let claimClause = -1;
  for (const f of found) {
    if (f.category.claims && f.signal.polarity === 'escalation' && f.signal.modality !== 'negated') {
      claimEnd = f.endToken;
      claimClause = p.clause[f.endToken - 1]!;
      continue;
    }
    if (claimEnd < 0 || f.startToken - claimEnd > CLAIM_AHEAD || p.clause[f.startToken] !== claimClause) continue;
    if (f.signal.polarity !== 'deescalation' || f.category.polarity !== 'deescalation') continue;
    f.signal.modality = 'addressed';
    f.signal.weight = round2(f.base * lex.calibration.claimed);
  }
}
