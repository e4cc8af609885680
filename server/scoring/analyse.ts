// Finds signals in tokenized text and reads each one's modality and intensity.

import type { Modality, Polarity, Signal } from './types.ts';
import {
  CUE_CLAUSE_BREAK,
  CUE_CONDITIONAL,
  CUE_DENIAL,
  CUE_DETERMINER,
  CUE_HEDGE,
  CUE_HISTORICAL,
  CUE_INTENSIFIER,
  CUE_IRREALIS,
  CUE_NEGATION,
  CUE_AFTERMATH,
  CUE_TOPIC,
  CUE_NEGATION_AFTER,
  CUE_NEGATION_SCOPE_BREAK,
  CUE_CONDITIONAL_WHEN_FIRST,
  FIRST_TOKEN_FLAGS,
  type Category,
  type CompiledLexicon,
  type ModalityClass,
} from './lexicon.ts';
import { matchAt } from './phrase-trie.ts';
import { NUMBER, PUNCT, type Token } from './tokenize.ts';

/** Tokens looked back over for negation, denial and hedging (within the clause). */
export const SCOPE_WINDOW = 6;
/** Tokens looked back over for a denial ("denied that it had ..."), across commas. */
export const DENIAL_WINDOW = 10;
/** Tokens looked back (and ahead) over for a conditional ("if", "unless") in the sentence. */
export const CONDITIONAL_BACK = 30;
export const CONDITIONAL_AHEAD = 12;
/** Tokens either side searched for intensifiers and casualty numbers. */
export const INTENSITY_WINDOW = 3;
const MAX_INTENSITY = 2;

export interface Prepared {
  tokens: Token[];
  sentenceEnds: string[];
  stems: string[];
  cueFlags: Uint32Array;
  cueFactor: Float32Array;
  skippable: Uint8Array;
  historicalSentence: Uint8Array;
  /** Clause index of each token (clauses end at punctuation and at words like "but"). */
  clause: Int32Array;
}

export interface FoundSignal {
  signal: Signal;
  category: Category;
  startToken: number;
  endToken: number;
  /** Token index of the conditional cue, when modality is conditional via a preceding "if". */
  conditionalAt: number;
}

/** Marks every cue ending at each token (cues may overlap). */
export function markCues(lex: CompiledLexicon, stems: string[], tokens: Token[], sentenceCount: number): Omit<Prepared, 'tokens' | 'sentenceEnds' | 'stems'> {
  const n = tokens.length;
  const cueFlags = new Uint32Array(n);
  const cueFactor = new Float32Array(n);
  const skippable = new Uint8Array(n);
  const historicalSentence = new Uint8Array(sentenceCount + 1);
  const root = lex.cues.next;
  for (let i = 0; i < n; i++) {
    const t = tokens[i]!;
    if (t.kind === NUMBER) {
      // A year before 2000 marks a historical reference (the scorer has no clock, so recent
      // years are not judged).
      const l = t.lower;
      if (l.length === 4 && (l.startsWith('18') || l.startsWith('19'))) historicalSentence[t.sentence] = 1;
      continue;
    }
    if (root === null) continue;
    let node = root.get(stems[i]!);
    let j = i;
    while (node !== undefined) {
      const e = node.entry;
      if (e !== null) {
        cueFlags[j] |= e.flags & ~FIRST_TOKEN_FLAGS;
        cueFlags[i] |= e.flags & FIRST_TOKEN_FLAGS;
        if (e.factor > cueFactor[j]!) cueFactor[j] = e.factor;
        if ((e.flags & CUE_HISTORICAL) !== 0) historicalSentence[t.sentence] = 1;
      }
      if (node.next === null || j + 1 >= n) break;
      j++;
      node = node.next.get(stems[j]!);
    }
    if ((cueFlags[i]! & CUE_DETERMINER) !== 0) skippable[i] = 1;
    if ((cueFlags[i]! & CUE_CONDITIONAL_WHEN_FIRST) !== 0 && (i === 0 || tokens[i - 1]!.sentence !== t.sentence)) {
      cueFlags[i] |= CUE_CONDITIONAL;
    }
  }
  const clause = new Int32Array(n);
  let c = 0;
  for (let i = 0; i < n; i++) {
    const t = tokens[i]!;
    const boundary = t.kind === PUNCT ? t.lower !== '(' && t.lower !== ')' : (cueFlags[i]! & CUE_CLAUSE_BREAK) !== 0;
    if (boundary || (i > 0 && tokens[i - 1]!.sentence !== t.sentence)) c++;
    clause[i] = c;
  }
  return { cueFlags, cueFactor, skippable, historicalSentence, clause };
}

function isClauseBoundary(p: Prepared, k: number): boolean {
  const t = p.tokens[k]!;
  if (t.kind === PUNCT) return t.lower !== '(' && t.lower !== ')';
  return (p.cueFlags[k]! & CUE_CLAUSE_BREAK) !== 0;
}

interface ModalityRead {
  modality: Modality;
  conditionalAt: number;
  irrealis: boolean;
}

function readModality(p: Prepared, s: number, e: number, cls: ModalityClass): ModalityRead {
  const checkAhead = cls !== 'vocabulary';
  const { tokens, cueFlags } = p;
  const sent = tokens[s]!.sentence;
  let negationAt = -1;
  let doubleNegation = false;
  let negationBlocked = false;
  let denied = false;
  let hedged = false;
  let irrealis = false;
  let aftermath = false;
  let topic = false;
  const stop = Math.max(0, s - SCOPE_WINDOW);
  // Denials reach further ("dismissed as baseless reports that it had threatened").
  const denialStop = Math.max(0, s - DENIAL_WINDOW);
  for (let k = s - 1; k >= denialStop; k--) {
    if (tokens[k]!.sentence !== sent || (tokens[k]!.kind === PUNCT && tokens[k]!.lower !== ',')) break;
    if ((cueFlags[k]! & CUE_DENIAL) !== 0) {
      denied = true;
      break;
    }
  }
  for (let k = s - 1; k >= stop; k--) {
    if (tokens[k]!.sentence !== sent) break;
    const f = cueFlags[k]!;
    if ((f & CUE_AFTERMATH) !== 0 && s - k <= 2) aftermath = true; // "after [the] fighting", not "after both sides refused"

    if ((f & CUE_TOPIC) !== 0 && s - k <= 3) topic = true;
    if (isClauseBoundary(p, k)) break;
    // "rejected the plan and suspended talks": the negation of one verb does not reach the next.
    if ((f & CUE_NEGATION_SCOPE_BREAK) !== 0) negationBlocked = true;
    if ((f & CUE_NEGATION) !== 0 && !negationBlocked) {
      // "has not ruled out": a second negation right before the first cancels it.
      if (negationAt < 0) negationAt = k;
      else if (negationAt - k <= 2) doubleNegation = true;
    }
    if ((f & CUE_HEDGE) !== 0) hedged = true;
    if ((f & CUE_IRREALIS) !== 0 && s - k <= 3) irrealis = true;
  }
  let conditionalAt = -1;
  const condStop = Math.max(0, s - CONDITIONAL_BACK);
  for (let k = s - 1; k >= condStop; k--) {
    if (tokens[k]!.sentence !== sent) break;
    if ((cueFlags[k]! & CUE_CONDITIONAL) !== 0) {
      conditionalAt = k;
      break;
    }
  }
  let conditional = conditionalAt >= 0;
  if (!conditional && checkAhead) {
    const aheadStop = Math.min(tokens.length, e + CONDITIONAL_AHEAD);
    for (let k = e; k < aheadStop; k++) {
      if (tokens[k]!.sentence !== sent) break;
      if ((cueFlags[k]! & CUE_CONDITIONAL) !== 0) {
        conditional = true;
        break;
      }
    }
  }
  // "talks collapsed", "the ceasefire was violated": a negating predicate after the signal.
  let negatedAfter = false;
  if (checkAhead && negationAt < 0) {
    const aheadStop = Math.min(tokens.length, e + SCOPE_WINDOW);
    for (let k = e; k < aheadStop; k++) {
      if (tokens[k]!.sentence !== sent || isClauseBoundary(p, k)) break;
      if ((cueFlags[k]! & CUE_NEGATION_AFTER) !== 0) {
        negatedAfter = true;
        break;
      }
    }
  }
  let modality: Modality = 'asserted';
  if (denied) modality = 'denied';
  else if ((negationAt >= 0 && !doubleNegation) || negatedAfter) modality = 'negated';
  else if (p.sentenceEnds[sent] === '?') modality = 'question';
  else if (conditional) modality = 'conditional';
  else if (hedged || doubleNegation) modality = 'hedged'; // "has not ruled out" is a hedge
  else if (aftermath || p.historicalSentence[sent] === 1) modality = 'past';
  else if (topic && cls === 'vocabulary') modality = 'addressed'; // "a conference on terrorism"
  else if (irrealis && cls !== 'escalation-rhetoric') modality = 'intended';
  return { modality, conditionalAt, irrealis };
}

function readIntensity(p: Prepared, s: number, e: number, scalesWithNumbers: boolean): number {
  const { tokens, cueFlags, cueFactor } = p;
  const sent = tokens[s]!.sentence;
  let factor = 1;
  const from = Math.max(0, s - INTENSITY_WINDOW);
  const to = Math.min(tokens.length, e + INTENSITY_WINDOW);
  let numberFactor = 1;
  for (let k = from; k < to; k++) {
    if (tokens[k]!.sentence !== sent) continue;
    if ((cueFlags[k]! & CUE_INTENSIFIER) !== 0 && cueFactor[k]! > factor) factor = cueFactor[k]!;
    if (scalesWithNumbers && tokens[k]!.kind === NUMBER) {
      const l = tokens[k]!.lower;
      const value = Number(l.indexOf(',') >= 0 ? l.split(',').join('') : l);
      const looksLikeYear = l.length === 4 && value >= 1900 && value <= 2100;
      if (Number.isFinite(value) && value >= 2 && !looksLikeYear) {
        numberFactor = Math.max(numberFactor, 1 + Math.min(0.8, Math.log10(value) / 3.5));
      }
    }
  }
  return Math.min(MAX_INTENSITY, factor * numberFactor);
}

const IDENTITY = { factor: 1, flip: false };

export function findSignals(lex: CompiledLexicon, p: Prepared, text: string): FoundSignal[] {
  const { tokens, stems, skippable } = p;
  const n = tokens.length;
  const found: FoundSignal[] = [];
  let i = 0;
  while (i < n) {
    if (tokens[i]!.kind === PUNCT) {
      i++;
      continue;
    }
    const m = matchAt(lex.signals, stems, skippable, i);
    if (m === null) {
      i++;
      continue;
    }
    const { category, weight } = m.entry;
    const s = i;
    const e = m.end;
    i = e;
    if (category.kind === 'shield' || weight === 0) continue;
    const read = readModality(p, s, e, category.modalityClass);
    let cls: ModalityClass = category.modalityClass;
    if (cls === 'escalation-event' && read.irrealis && read.modality === 'conditional') cls = 'escalation-rhetoric'; // "if ..., we will strike" is a threat
    const rule = read.modality === 'asserted' ? IDENTITY : lex.modality[read.modality][cls];
    const intensity = category.polarity === 'escalation' ? readIntensity(p, s, e, category.scalesWithNumbers) : 1;
    const w = weight * intensity * rule.factor;
    const polarity = rule.flip ? (category.polarity === 'escalation' ? 'deescalation' : 'escalation') : category.polarity;
    const start = tokens[s]!.start;
    const end = tokens[e - 1]!.end;
    found.push({
      signal: {
        category: category.id,
        polarity,
        weight: Math.round(w * 100) / 100,
        modality: read.modality,
        text: text.slice(start, end),
        start,
        end,
      },
      category,
      startToken: s,
      endToken: e,
      conditionalAt: read.modality === 'conditional' ? read.conditionalAt : -1,
    });
  }
  markAddressed(lex, p, found);
  return found;
}

/** Tokens between an action and the signal it governs ("aid for [the] displaced"). */
export const ADDRESSED_GAP = 6;
/** Minimum weight of the preceding signal for it to govern the next one. */
export const ADDRESSED_MIN_GOVERNOR = 0.6;

/**
 * A signal that is the object of an opposite action is 'addressed': "aid for displaced
 * families" (displacement is what the aid addresses), "support to victims of violence",
 * "an attack on an aid convoy" (the aid is what was hit). The nearest preceding signal in the
 * same clause governs; a governed signal passes its governor's direction on ("assistance to
 * victims of violence": both victims and violence are addressed). Threats are never addressed.
 */
function markAddressed(lex: CompiledLexicon, p: Prepared, found: FoundSignal[]): void {
  const governing: Polarity[] = [];
  for (let i = 0; i < found.length; i++) {
    const f = found[i]!;
    governing.push(f.signal.polarity);
    if (i === 0) continue;
    const prev = found[i - 1]!;
    const sameClause = p.clause[prev.endToken - 1] === p.clause[f.startToken];
    if (!sameClause || f.startToken - prev.endToken > ADDRESSED_GAP) continue;
    // Only an action of some weight governs ("civil society expressed concern" does not).
    if (prev.signal.weight < ADDRESSED_MIN_GOVERNOR || !prev.category.governs) continue;
    const governor = governing[i - 1]!;
    const m = f.signal.modality;
    if (governor === f.category.polarity || (m !== 'asserted' && m !== 'intended')) continue;
    if (f.category.modalityClass === 'escalation-rhetoric') continue;
    governing[i] = governor;
    const rule = lex.modality.addressed[f.category.modalityClass];
    f.signal.weight = Math.round(f.signal.weight * rule.factor * 100) / 100;
    f.signal.modality = 'addressed';
  }
}
